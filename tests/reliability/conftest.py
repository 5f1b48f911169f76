"""Fixtures of the reliability suite: the nasty-file corpus and a temp folder other accounts can enter.

The corpus is generated (``tests/corpus/make_corpus.py``) in memory per session, so
nothing large or binary lives in git.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from .faults import make_corpus


@pytest.fixture
def public_tmp():
    """A temp folder another account can traverse (pytest's own tmp root is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="specgui-rel-"))
    os.chmod(folder, 0o755)
    yield folder
    for dirpath, dirnames, _files in os.walk(folder):
        for name in dirnames:
            os.chmod(os.path.join(dirpath, name), 0o755)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def corpus():
    """The generated corpus: ``{"npz": {...}, "sample_json": {...}, "split": {...}}`` of (bytes, expected)."""
    marker = os.path.join(tempfile.gettempdir(), f"specgui-pickle-ran-{os.getpid()}")
    return {"npz": make_corpus.npz_cases(marker), "sample_json": make_corpus.json_cases(),
            "split": make_corpus.split_cases(), "marker": marker}
