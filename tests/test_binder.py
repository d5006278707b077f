"""The Binder setup: its files agree with the project's, and an imitation of a Binder build
(a fresh virtual environment from binder/ plus postBuild, no Docker) runs lesson 01."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from importlib.metadata import version as installed_version
from pathlib import Path

import pytest
from notebook_tools import ROOT

BINDER = ROOT / "binder"


def pins(path: Path) -> dict[str, str]:
    return dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", path.read_text(), re.M))


def test_binder_pins_match_the_project_requirements():
    binder, project = pins(BINDER / "requirements.txt"), pins(ROOT / "requirements.txt")
    assert binder, "binder/requirements.txt pins nothing"
    for name, version in binder.items():
        assert project.get(name) == version, (
            f"{name}: binder {version}, project {project.get(name)}"
        )
    for needed in ("numpy", "matplotlib", "ipywidgets"):
        assert needed in binder


def test_runtime_and_postbuild():
    assert (BINDER / "runtime.txt").read_text().strip() == "python-3.11"
    post = BINDER / "postBuild"
    assert os.access(post, os.X_OK), "postBuild must be executable"
    assert re.search(r"^set -e", post.read_text(), re.M), "postBuild must stop at the first error"


def test_readme_badge_opens_lesson_01():
    readme = (ROOT / "README.md").read_text()
    match = re.search(r"https://mybinder\.org/v2/gh/[^)\s]+\?urlpath=lab/tree/([^)\s]+)", readme)
    assert match, "README needs a Binder badge that opens a lesson"
    target = ROOT / match.group(1)
    assert target.name == "01_initialization.ipynb" and target.exists(), target


RUN_LESSON = textwrap.dedent(
    """
    import sys, nbformat
    from nbclient import NotebookClient
    nb = nbformat.read(sys.argv[1], as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True).execute()
    bad = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"
           and "raises-exception" not in c.metadata.get("tags", [])
           and any(o.get("output_type") == "error" for o in c.outputs)]
    print("failing cells:", bad)
    sys.exit(1 if bad else 0)
    """
)


@pytest.mark.slow
def test_binder_build_imitation_runs_lesson_01(tmp_path):
    lesson = ROOT / "notebooks" / "01_initialization" / "01_initialization.ipynb"
    if not lesson.exists():
        pytest.fail("lesson 01's learner copy is missing")
    # the repository as Binder sees it: the committed files only
    repo = tmp_path / "repo"
    files = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split("\0")
    for name in filter(None, files):
        if (ROOT / name).is_file():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, repo / name)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    env = dict(os.environ, PATH=f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
               NB_PYTHON_PREFIX=str(venv), PIP_DISABLE_PIP_VERSION_CHECK="1")  # fmt: skip
    # what repo2docker's base environment provides: a kernel and a notebook runner (the
    # versions installed here, so that pip finds them in its cache)
    base = [f"{name}=={installed_version(name)}" for name in ("ipykernel", "nbclient", "nbformat")]
    steps = [
        [str(py), "-m", "pip", "install", "-q", *base],
        [str(py), "-m", "pip", "install", "-q", "-r", "binder/requirements.txt"],
        ["bash", "binder/postBuild"],
    ]
    for step in steps:
        done = subprocess.run(step, cwd=repo, env=env, capture_output=True, text=True)
        assert done.returncode == 0, f"{step} failed:\n{done.stdout}\n{done.stderr}"
    # helpers imports from any folder, and the settings override is in place
    done = subprocess.run(
        [str(py), "-c", "import helpers, sys; print(helpers.__file__)"],
        cwd=tmp_path, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0 and str(repo) in done.stdout, done.stderr
    assert (venv / "share" / "jupyter" / "lab" / "settings" / "overrides.json").exists()
    folder = repo / "notebooks" / "01_initialization"
    done = subprocess.run(
        [str(py), "-c", RUN_LESSON, str(folder / "01_initialization.ipynb")],
        cwd=folder, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, (
        f"lesson 01 failed in the Binder imitation:\n{done.stdout}\n{done.stderr}"
    )
