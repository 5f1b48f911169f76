"""Shared fixtures: real files in temp dirs, the seed importable where it is, Qt offscreen.

``../shared`` (the original backend and the TorchSig sample) sits beside the checkout in CI
but not in a contributor's fresh clone: every test that needs it asks for it through a
fixture here, which skips with the reason when it is absent. The golden files in
``tests/golden/`` carry the seed's answers everywhere.
"""

from __future__ import annotations

import importlib
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

SEED_ABSENT = (f"{SEED_DIR} is not present: the live cross-check against the original backend runs where "
               "../shared sits beside the checkout (tests/golden/ carries its answers everywhere)")
TORCHSIG_ABSENT = (f"{TORCHSIG_DIR} is not present: generated samples cover the same ground "
                   "(every test on torchsig_root also runs on a generated tree of the same shape)")


def seed_module(name: str):
    """``seed_splits`` or ``seed_dataset`` from ../shared/seed; skips the test where it is absent."""
    if not (SEED_DIR / f"{name}.py").is_file():
        pytest.skip(SEED_ABSENT)
    return importlib.import_module(name)


def seed_module_or_none(name: str):
    """The seed module, or None where ../shared/seed is absent (for optional controls)."""
    return importlib.import_module(name) if (SEED_DIR / f"{name}.py").is_file() else None


@pytest.fixture(scope="session")
def seed_splits():
    return seed_module("seed_splits")


@pytest.fixture(scope="session")
def seed_dataset():
    return seed_module("seed_dataset")


@pytest.fixture(autouse=True)
def _private_cache_dir(tmp_path_factory, monkeypatch):
    """No test writes to the user's ~/.cache: the audit cache goes to a temp folder."""
    monkeypatch.setenv("SPECGUI_CACHE_DIR", str(tmp_path_factory.mktemp("specgui-cache")))


@pytest.fixture(params=["torchsig", "generated"])
def torchsig_root(request, tmp_path: Path) -> Path:
    """A writable TorchSig-shaped signals root: a copy of ../shared/data/torchsig-sample (skipped
    where it is absent), and a generated tree of the same shape (``tests/torchsig_like.py``)."""
    dest = tmp_path / "signals"
    if request.param == "generated":
        from tests.torchsig_like import write_torchsig_like

        return write_torchsig_like(dest)
    if not TORCHSIG_DIR.is_dir():
        pytest.skip(TORCHSIG_ABSENT)
    shutil.copytree(TORCHSIG_DIR, dest)
    for folder, dirs, files in os.walk(dest):
        os.chmod(folder, 0o755)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644)
    return dest
