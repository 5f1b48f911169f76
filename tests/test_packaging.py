"""The built wheel is the whole app: its icon (loadable) and py.typed, read from the installed package.

Builds the wheel from a copy of the checkout with the running interpreter's own setuptools
(``pip wheel --no-build-isolation``: offline, nothing installed anywhere), then imports
specgui from the unpacked wheel alone and loads the window icon the app would show.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow
LEFT_OUT = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache",
                                  "tests", "benchmarks")


def _setuptools_builds_wheels() -> bool:
    try:
        major, minor = (int(part) for part in metadata.version("setuptools").split(".")[:2])
    except (metadata.PackageNotFoundError, ValueError):
        return False
    return (major, minor) >= (70, 1)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    if not _setuptools_builds_wheels():
        pytest.skip("setuptools >= 70.1 (in the [test] extra) is needed to build the wheel offline")
    tmp = tmp_path_factory.mktemp("wheel")
    source, out = tmp / "src", tmp / "out"
    shutil.copytree(REPO, source, ignore=LEFT_OUT)
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                             "--no-cache-dir", "-q", "-w", str(out), str(source)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    (built,) = out.glob("specgui-*.whl")
    return built


def test_the_wheel_carries_the_icon_and_py_typed(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "specgui/gui/icons/specgui.png" in names
    assert "specgui/py.typed" in names
    assert not any(name.startswith(("tests/", "resources/", "benchmarks/")) for name in names)


def test_the_app_installed_from_the_wheel_shows_its_icon(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    probe = ("import specgui, sys; from specgui.gui.app import ensure_application; app = ensure_application(); "
             "icon = app.windowIcon(); size = icon.availableSizes()[0] if icon.availableSizes() else None; "
             "print(specgui.__file__); print(icon.isNull(), size.width() if size else 0)")
    env = {**os.environ, "PYTHONPATH": str(site), "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=tmp_path,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    where, icon = result.stdout.split("\n")[:2]
    assert Path(where).is_relative_to(site), "imported from the unpacked wheel, not the checkout"
    assert icon == "False 128", "a non-null 128 px window icon"


def test_the_icon_file_in_the_wheel_loads_as_an_image(wheel, tmp_path, qapp):
    from PySide6.QtGui import QIcon

    icon_path = tmp_path / "specgui.png"
    icon_path.write_bytes(zipfile.ZipFile(wheel).read("specgui/gui/icons/specgui.png"))
    assert not QIcon(str(icon_path)).isNull()
    assert QIcon(str(tmp_path / "no-such.png")).availableSizes() == []  # control: a missing file gives nothing
