"""The test helpers start a notebook's kernel again when only the kernel failed to start."""

from __future__ import annotations

import nbclient
import nbformat
import pytest
from notebook_tools import ROOT, execute


def fake_client(failures: list[str]):
    """A NotebookClient stand-in whose execute() raises the given messages, then succeeds."""

    class FakeClient:
        made = 0

        def __init__(self, nb, **kwargs):
            FakeClient.made += 1

        def execute(self, env=None):
            if failures:
                raise RuntimeError(failures.pop(0))

    return FakeClient


def test_execute_starts_a_new_kernel_when_the_first_did_not_start(monkeypatch):
    client = fake_client(["Kernel died before replying to kernel_info"])
    monkeypatch.setattr(nbclient, "NotebookClient", client)
    nb = nbformat.v4.new_notebook()
    assert execute(nb, ROOT) is nb
    assert client.made == 2


def test_execute_gives_up_after_three_kernels_and_never_hides_other_errors(monkeypatch):
    monkeypatch.setattr(nbclient, "NotebookClient", fake_client(["Address already in use"] * 3))
    with pytest.raises(RuntimeError, match="Address already in use"):
        execute(nbformat.v4.new_notebook(), ROOT)
    client = fake_client(["something else went wrong", "unused"])
    monkeypatch.setattr(nbclient, "NotebookClient", client)
    with pytest.raises(RuntimeError, match="something else"):
        execute(nbformat.v4.new_notebook(), ROOT)
    assert client.made == 1
