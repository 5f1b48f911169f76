"""``specgui gui --screenshot``, settings remembered between runs, and no torch at start-up."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import textwrap

import pytest

from .conftest import WAIT_MS, select_and_wait

pytestmark = pytest.mark.gui


def run_cli(*args, timeout=120):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "specgui", *map(str, args)], capture_output=True,
                          text=True, env=env, timeout=timeout)


def png_size(path):
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


def test_screenshot_writes_a_1600x1000_png_and_exits_0(signals_root, tmp_path):
    out = tmp_path / "shot.png"
    result = run_cli("gui", signals_root, "--select", "alpha/a02", "--screenshot", out, "--timeout", 60)
    assert result.returncode == 0, result.stderr
    assert png_size(out) == (1600, 1000)


def test_plain_specgui_root_takes_the_screenshot_too(torchsig_root, tmp_path):
    out = tmp_path / "torchsig.png"
    result = run_cli(torchsig_root, "--select", "chirp/0000", "--screenshot", out)
    assert result.returncode == 0, result.stderr
    assert png_size(out) == (1600, 1000)


@pytest.mark.parametrize("select, expected", [
    ("alpha/zz99", "unknown sample 'zz99' in signal 'alpha'"),
    ("nosuch/a00", "unknown signal 'nosuch'"),
    ("alpha/a01", "a01.npz"),  # corrupted below: the load error names the file
])
def test_screenshot_exits_non_zero_naming_the_problem(signals_root, tmp_path, select, expected):
    (signals_root / "alpha" / "samples" / "a01.npz").write_bytes(b"truncated")
    out = tmp_path / "never.png"
    result = run_cli("gui", signals_root, "--select", select, "--screenshot", out, "--timeout", 60)
    assert result.returncode != 0
    assert expected in result.stderr
    assert not out.exists()


def test_a_missing_root_is_a_usage_error(tmp_path):
    result = run_cli("gui", tmp_path / "nowhere", "--screenshot", tmp_path / "x.png")
    assert result.returncode == 2 and "nowhere" in result.stderr


def test_settings_are_remembered_in_the_test_location_only(qtbot, open_window, signals_root, isolated_settings):
    window = open_window(signals_root)
    select_and_wait(qtbot, window, "alpha", "a01")
    window.view.apply_view_settings({"colormap": "magma"})
    with qtbot.waitSignal(window.view.view_settings_changed):
        window.view.canvas.histogram.setLevels(12.0, 200.0)  # as a drag of the level region
    window.splitters["main"].setSizes([300, 700, 200])
    sizes = window.splitters["main"].sizes()
    window.close()
    assert isolated_settings.is_file()

    from specgui.gui.app import create_window

    again = create_window(None, poll_ms=0)  # no root given: the last one opens
    qtbot.addWidget(again)
    again.resize(1200, 800)
    again.show()
    try:
        qtbot.waitUntil(lambda: again.tree_panel.model.signal_count() == 2, timeout=WAIT_MS)
        assert again.state.scans.root == signals_root
        assert again.view.view_settings()["colormap"] == "magma"
        assert again.view.view_settings()["levels"] == [12.0, 200.0]
        assert again.splitters["main"].sizes() == sizes
    finally:
        again.close()


def test_the_window_does_not_import_torch(signals_root, tmp_path):
    script = textwrap.dedent(f"""
        import sys
        from specgui.cli.main import main
        code = main(["gui", {str(signals_root)!r}, "--screenshot", {str(tmp_path / 't.png')!r}])
        assert code == 0, code
        print("torch" in sys.modules)
    """)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"
