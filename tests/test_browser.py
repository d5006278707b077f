"""Every learner notebook in a real browser: JupyterLab 4 driven by Playwright in Debian's
Chromium. Open each lesson, run all cells, check that only the exercise cells and their
tests fail, that every widget renders, and that moving a slider changes its plot.

Skipped when Chromium is missing, unless REQUIRE_BROWSER=1 (CI sets it: there a missing
browser is a failure). Screenshots and slider timings go to test-artifacts/browser/.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from notebook_tools import LESSONS, NOTEBOOKS, ROOT, kernel_env

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]  # one JupyterLab

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

if not CHROMIUM.exists():
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {CHROMIUM} is missing", pytrace=False)
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on 127.0.0.1 serving a copy of notebooks/ (the repository's
    copies are never written to), with its own settings, workspaces and runtime folders."""
    tmp = tmp_path_factory.mktemp("lab")
    root = tmp / "notebooks"
    shutil.copytree(NOTEBOOKS, root)
    settings = tmp / "app-settings"
    settings.mkdir()
    shutil.copy(ROOT / "binder" / "overrides.json", settings / "overrides.json")
    port, token = free_port(), secrets.token_hex(16)
    env = kernel_env()
    for name in ("CONFIG", "DATA", "RUNTIME"):
        (tmp / name.lower()).mkdir()
        env[f"JUPYTER_{name}_DIR"] = str(tmp / name.lower())
    cmd = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
        "--LabApp.expose_app_in_browser=True", f"--LabApp.app_settings_dir={settings}",
        f"--LabApp.user_settings_dir={tmp / 'user-settings'}",
        f"--LabApp.workspaces_dir={tmp / 'workspaces'}",
    ]  # fmt: skip
    log = open(tmp / "lab.log", "w")  # noqa: SIM115 (closed below)
    server = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if time.time() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail(f"JupyterLab did not start:\n{(tmp / 'lab.log').read_text()}")
            time.sleep(0.3)
    yield url, token
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
    log.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("profile")),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000},
        )
        yield context
        context.close()


RUN_ALL = """async () => {
  const app = window.jupyterapp;
  const panel = app.shell.currentWidget;
  await panel.sessionContext.ready;
  const ok = await app.commands.execute('notebook:run-all-cells');
  return ok;
}"""

CELL_STATES = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  return panel.content.widgets.map((cell, i) => {
    const m = cell.model;
    const tags = m.getMetadata('tags') || [];
    if (m.type !== 'code') return {i, type: m.type, tags};
    const outputs = m.outputs.toJSON();
    return {
      i, type: 'code', tags,
      count: m.executionCount,
      error: outputs.filter(o => o.output_type === 'error').map(o => o.ename + ': ' + o.evalue),
    };
  });
}"""

KERNEL_STATUS = """() => {
  const k = window.jupyterapp.shell.currentWidget.sessionContext.session?.kernel;
  return k ? k.status : 'none';
}"""


def wait_for(page, js: str, timeout: float = 60.0, poll: float = 0.1):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = page.evaluate(js)
        if value:
            return value
        time.sleep(poll)
    raise AssertionError(f"timed out waiting for {js}")


def open_notebook(page, url: str, token: str, lesson: str) -> None:
    page.goto(f"{url}/lab/tree/{lesson}/{lesson}.ipynb?token={token}&reset")
    wait_for(
        page,
        "() => !!(window.jupyterapp && window.jupyterapp.shell.currentWidget"
        " && window.jupyterapp.shell.currentWidget.sessionContext)",
        timeout=90,
    )
    wait_for(
        page,
        KERNEL_STATUS.replace("return k ? k.status : 'none';", "return k && k.status === 'idle';"),
        timeout=90,
    )


ALL_RAN = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const k = panel.sessionContext.session?.kernel;
  const cells = panel.content.widgets.filter(c => c.model.type === 'code');
  const stopped = cells.some(c => !(c.model.getMetadata('tags') || []).includes('raises-exception')
      && c.model.outputs.toJSON().some(o => o.output_type === 'error'));
  const done = cells.every(c => c.model.executionCount !== null);
  return k && k.status === 'idle' && (done || stopped);
}"""


def finished_running(page, timeout: float = 300.0) -> None:
    """Wait until the kernel is idle and every code cell has run (or Run All stopped at an
    error in a cell that is not allowed to fail); the kernel is briefly idle between cells,
    so idleness alone is not enough."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if page.evaluate(ALL_RAN):
            time.sleep(0.5)  # idle twice in a row, half a second apart
            if page.evaluate(ALL_RAN):
                return
        time.sleep(0.2)


def slider_images(page) -> list[str]:
    return page.evaluate("""() => {
      const s = document.querySelector('.jupyter-widgets.widget-slider');
      if (!s) return null;
      const area = s.closest('.jp-Cell');
      return Array.from(area.querySelectorAll('.widget-output img, .jp-OutputArea img'))
                  .map(img => img.src);
    }""")


@pytest.mark.parametrize("lesson", LESSONS)
def test_lesson_runs_in_the_browser(lesson, lab, browser):
    url, token = lab
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page()
    try:
        open_notebook(page, url, token, lesson)
        page.evaluate(RUN_ALL)
        finished_running(page)
        cells = page.evaluate(CELL_STATES)
        code = [c for c in cells if c["type"] == "code"]
        not_run = [c["i"] for c in code if c["count"] is None]
        assert not not_run, f"{lesson}: cells {not_run} did not run (Run All stopped early)"
        bad = [c for c in code if c["error"] and "raises-exception" not in c["tags"]]
        assert not bad, f"{lesson}: cells other than exercises failed: {bad}"
        failing_exercises = [c for c in code if c["error"]]
        assert failing_exercises, f"{lesson}: the untouched exercises should fail their tests"

        text = page.inner_text("#main")
        assert "Error displaying widget" not in text, f"{lesson}: a widget failed to render"
        assert page.locator(".jupyter-widgets").count() > 0, f"{lesson}: no widget rendered"

        # move one slider, five times (right, left, right, ...), timing each new plot
        assert slider_images(page) is not None, f"{lesson}: no slider found"
        handle = page.locator(".jupyter-widgets.widget-slider .noUi-handle").first
        handle.scroll_into_view_if_needed()
        times_ms = []
        for move in range(5):
            before = slider_images(page)
            handle.focus()
            start = time.perf_counter()
            page.keyboard.press("ArrowLeft" if move % 2 else "ArrowRight")
            deadline = start + 15
            while slider_images(page) == before or not slider_images(page):
                assert time.perf_counter() < deadline, f"{lesson}: the slider changed nothing"
                time.sleep(0.005)
            times_ms.append(round((time.perf_counter() - start) * 1000))
        page.screenshot(path=str(ARTIFACTS / f"{lesson}.png"), full_page=False)
        timings = ARTIFACTS / "slider_ms.json"
        data = json.loads(timings.read_text()) if timings.exists() else {}
        data[lesson] = {"median": sorted(times_ms)[2], "all": times_ms}
        timings.write_text(json.dumps(data, indent=1, sort_keys=True))
        print(f"{lesson}: slider to new plot in {sorted(times_ms)[2]} ms (median of {times_ms})")
    except Exception:
        page.screenshot(path=str(ARTIFACTS / f"{lesson}-failure.png"))
        raise
    finally:
        page.close()
