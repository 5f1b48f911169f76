"""Shared fixtures: real files in temp dirs, the seed importable, Qt offscreen."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED_DIR = SHARED / "seed"
TORCHSIG_DIR = SHARED / "data" / "torchsig-sample"


def _add_seed_to_path() -> None:
    for folder in (SEED_DIR, Path(__file__).resolve().parent):  # seed modules; ``import helpers``
        if folder.is_dir() and str(folder) not in sys.path:
            sys.path.insert(0, str(folder))


_add_seed_to_path()


@pytest.fixture(autouse=True)
def _private_cache_dir(tmp_path_factory, monkeypatch):
    """No test writes to the user's ~/.cache: the audit cache goes to a temp folder."""
    monkeypatch.setenv("SPECGUI_CACHE_DIR", str(tmp_path_factory.mktemp("specgui-cache")))


@pytest.fixture
def torchsig_root(tmp_path: Path) -> Path:
    """A writable copy of the TorchSig sample tree (signals root), read-only in shared/."""
    if not TORCHSIG_DIR.is_dir():
        pytest.skip("../shared/data/torchsig-sample is not present")
    dest = tmp_path / "signals"
    shutil.copytree(TORCHSIG_DIR, dest)
    for folder, dirs, files in os.walk(dest):
        os.chmod(folder, 0o755)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644)
    return dest
