"""The first launch shows data at its best: a window that uses the screen, a sample selected
and painted (the remembered one, else the first), levels fitted to it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from tests.conftest import REPO

from .conftest import WAIT_MS, select_and_wait

pytestmark = pytest.mark.gui

SCREEN = {"synchronousWindowSystem": False, "windowFrameMargins": False,
          "screens": [{"name": "big", "x": 0, "y": 0, "width": 1920, "height": 1200,
                       "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}

GEOMETRY_SCRIPT = textwrap.dedent("""
    import os, sys
    from specgui.gui.app import create_window, ensure_application
    app = ensure_application()
    for run in range(2):
        window = create_window(sys.argv[1], poll_ms=0)
        window.show()
        app.processEvents()
        print(window.width(), window.height(), window.x(), window.y(), flush=True)
        if run == 0:
            window.resize(1300, 900)  # the user's own size: remembered for the next run
            app.processEvents()
        window.close()
    os._exit(0)  # the result is printed; skip interpreter teardown of the Qt objects
""")


def test_first_run_fills_90_percent_of_the_screen_and_the_users_size_is_remembered(signals_root, tmp_path):
    config = tmp_path / "screens.json"
    config.write_text(json.dumps(SCREEN))
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}", "PYTHONPATH": str(REPO),
           "SPECGUI_SETTINGS_FILE": str(tmp_path / "fresh" / "specgui.ini")}
    result = subprocess.run([sys.executable, "-c", GEOMETRY_SCRIPT, str(signals_root)], capture_output=True,
                            text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    first, second = ([int(v) for v in line.split()] for line in result.stdout.split("\n")[:2])
    assert first == [1728, 1080, 96, 60], "90% of 1920x1200, centred"
    assert second[:2] == [1300, 900], "the size the user left is restored, not refitted"


def test_a_folder_opens_on_its_first_sample_painted(qtbot, open_window, signals_root):
    window = open_window(signals_root)
    assert window.tree_panel.current_key() == ("alpha", "a00")
    qtbot.waitUntil(lambda: window.view.painted_sample_id == "a00", timeout=WAIT_MS)
    assert window.view.image_item.image is not None and len(window.view.boxes_item.boxes) == 1
    assert window.view.error_text == ""


def test_the_sample_shown_last_is_shown_again(qtbot, open_window, signals_root):
    window = open_window(signals_root)
    select_and_wait(qtbot, window, "beta", "b01")
    window.close()
    again = open_window(signals_root)
    assert again.tree_panel.current_key() == ("beta", "b01")
    assert again.view.painted_sample_id == "b01"


def test_a_remembered_sample_that_is_gone_falls_back_to_the_first(qtbot, open_window, signals_root):
    window = open_window(signals_root)
    select_and_wait(qtbot, window, "beta", "b02")
    window.close()
    for suffix in (".npz", ".json"):
        (signals_root / "beta" / "samples" / f"b02{suffix}").unlink()
    again = open_window(signals_root)
    assert again.tree_panel.current_key() == ("alpha", "a00")


def test_a_filter_hiding_every_sample_leaves_the_view_empty_not_broken(qtbot, open_window, tmp_path):
    (tmp_path / "signals" / "empty" / "samples").mkdir(parents=True)
    window = open_window(tmp_path / "signals")
    assert window.tree_panel.current_key() is None
    assert window.view.image_item.image is None


def test_the_first_samples_signals_stand_out_of_the_floor(qtbot, open_window, tmp_path):
    """Demo-like data: a floor around 52 of 255 and one emitter; fitted levels spread them."""
    from helpers import write_sample

    samples = tmp_path / "signals" / "demo" / "samples"
    write_sample(samples, "0001", shape=(256, 256))
    rng = np.random.default_rng(0)
    pixels = np.clip(rng.normal(52, 6, (256, 256)), 0, 255).astype(np.uint8)
    pixels[100:104, 20:220] = 160
    np.savez_compressed(samples / "0001.npz", spectrogram=pixels)
    window = open_window(tmp_path / "signals")
    low, high = window.view.canvas.levels()
    assert 30 < low < 45 and high == 160.0, "floor near the bottom, the emitter at the top of the range"
