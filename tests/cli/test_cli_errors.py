"""Bad input gives exit 2, a message naming the file and the problem, and writes nothing."""

from __future__ import annotations

import argparse
import json
import os
import warnings

import pytest

from specgui.cli.errors import collect_notes, reports_core_errors
from specgui.cli.main import main
from specgui.core.errors import SplitFileError
from specgui.core.splits.manager import RecoveredActiveWarning, SplitManager
from tests.cli.test_cli_split import snapshot, touch_samples

READ_AND_WRITE = [["show"], ["show", "--version", "1"], ["extend"], ["extend", "--dry-run"], ["diff", "1", "1"],
                  ["activate", "1"]]


@pytest.fixture
def tree(tmp_path):
    signals = tmp_path / "signals"
    touch_samples(signals / "sig", [f"{i:04d}" for i in range(10)])
    SplitManager(signals).create_initial_split("sig")
    touch_samples(signals / "sig", ["new"])
    return tmp_path


def _run(capsys, argv, as_json):
    code = main(argv + (["--json"] if as_json else []))
    out = capsys.readouterr()
    if as_json:
        data = json.loads(out.out)
        assert data["ok"] is False and set(data) == {"ok", "error", "path", "problem", "error_type"}
        return code, data["error"], data
    assert out.out == ""
    return code, out.err, None


def _action(action: list[str], root, signal) -> list[str]:
    return ["split", action[0], str(root), signal, *action[1:]]


@pytest.mark.parametrize("corruption, expected", [
    (b'{"version": 1, "train_samples": ["0001",', "malformed JSON at line 1"),
    (b'{"version": 1, "train_samples": ["../../etc/passwd"], "val_samples": ["0002"]}', "contains a path separator"),
    (b'{"version": 1, "train_samples": ["0001"], "val_samples": ["0001"]}', "in both train and val"),
    (b'[1, 2]', "expected a JSON object"),
])
@pytest.mark.parametrize("action", READ_AND_WRITE, ids=lambda a: "-".join(a))
@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_a_bad_split_file_is_named_and_nothing_is_written(tree, capsys, corruption, expected, action, as_json):
    v1 = tree / "signals" / "sig" / "splits" / "v1.json"
    v1.write_bytes(corruption)
    before = snapshot(tree)
    code, message, data = _run(capsys, _action(action, tree, "sig"), as_json)
    assert code == 2
    assert message.startswith(f"{v1}: ") or message.startswith(f"specgui: {v1}: ")
    assert expected in message
    if data:
        assert data["path"] == str(v1) and data["error_type"] == "SplitFileError" and expected in data["problem"]
    assert snapshot(tree) == before


def test_verify_reports_a_bad_split_file_as_a_problem_exit_1(tree, capsys):
    (tree / "signals" / "sig" / "splits" / "v1.json").write_bytes(b"{")
    code = main(["split", "verify", str(tree), "sig", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 1 and data["problems"][0]["kind"] == "malformed"


@pytest.mark.parametrize("action", READ_AND_WRITE + [["list"], ["verify"], ["create"]], ids=lambda a: "-".join(a))
@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_a_missing_signal_names_its_folder(tree, capsys, action, as_json):
    before = snapshot(tree)
    code, message, data = _run(capsys, _action(action, tree, "ghost"), as_json)
    folder = tree / "signals" / "ghost"
    assert code == 2 and f"{folder}: no signal folder named 'ghost' (signals here: sig)" in message
    assert snapshot(tree) == before


@pytest.mark.parametrize("signal", ["../sig", "a/b", "..", "~x"])
def test_an_unsafe_signal_name_is_refused(tree, capsys, signal):
    before = snapshot(tree)
    code, message, _ = _run(capsys, _action(["extend"], tree, signal), False)
    assert code == 2 and "bad signal name" in message and str(tree / "signals") in message
    assert snapshot(tree) == before


@pytest.mark.parametrize("action", READ_AND_WRITE + [["list"], ["verify"], ["create"]], ids=lambda a: "-".join(a))
def test_a_bad_root_is_named(tmp_path, capsys, action):
    missing = tmp_path / "nowhere"
    code, message, data = _run(capsys, _action(action, missing, "sig"), True)
    assert code == 2 and data["path"] == str(missing) and data["problem"] == "folder not found"
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    code, message, _ = _run(capsys, _action(action, a_file, "sig"), False)
    assert code == 2 and f"{a_file}: not a folder" in message
    assert sorted(os.listdir(tmp_path)) == ["file.txt"]


def test_a_split_lock_that_cannot_be_taken_is_reported_not_a_traceback(tree, capsys):
    lock = tree / "signals" / "sig" / "splits" / ".specgui.lock"
    lock.unlink()
    lock.mkdir()  # what a broken or foreign tool might leave; works the same as root
    before = snapshot(tree)
    code, message, data = _run(capsys, _action(["extend"], tree, "sig"), True)
    assert code == 2 and data["path"] == str(lock) and "cannot take the split lock" in message
    assert data["error_type"] == "SplitLockError"
    assert snapshot(tree) == before


def test_an_unwritable_splits_folder_is_reported_not_a_traceback(tree, capsys):
    if os.geteuid() == 0:
        pytest.skip("root ignores folder permissions")
    splits = tree / "signals" / "sig" / "splits"
    os.chmod(splits, 0o555)
    try:
        code, message, _ = _run(capsys, _action(["extend"], tree, "sig"), False)
    finally:
        os.chmod(splits, 0o755)
    assert code == 2 and str(splits) in message


# -- the shared pieces, on their own -----------------------------------------------------------
def test_reports_core_errors_turns_core_and_os_errors_into_exit_2(capsys):
    @reports_core_errors
    def handler(args):
        raise args.error

    code = handler(argparse.Namespace(json=True, error=SplitFileError("/x/v1.json", "broken")))
    assert code == 2 and json.loads(capsys.readouterr().out) == {
        "ok": False, "error": "/x/v1.json: broken", "path": "/x/v1.json", "problem": "broken",
        "error_type": "SplitFileError"}
    code = handler(argparse.Namespace(json=False, error=PermissionError(13, "Permission denied", "/x/splits")))
    assert code == 2 and capsys.readouterr().err == "specgui: /x/splits: Permission denied\n"
    for passthrough in (BrokenPipeError(32, "Broken pipe"), ValueError("a bug is a bug")):
        with pytest.raises(type(passthrough)):
            handler(argparse.Namespace(json=False, error=passthrough))


def test_collect_notes_gathers_recovery_warnings_live_and_echoes_them(capsys):
    with pytest.warns(UserWarning, match="unrelated"):
        with collect_notes() as notes:
            warnings.warn("active.json: missing; using v3", RecoveredActiveWarning)
            warnings.warn("active.json: missing; using v3", RecoveredActiveWarning)
            assert notes == ["active.json: missing; using v3"]  # already there for the JSON payload
            notes.add(None)
            warnings.warn("unrelated", UserWarning)
    assert capsys.readouterr().err == "specgui: note: active.json: missing; using v3\n"
