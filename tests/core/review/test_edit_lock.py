"""The edit lock: a bare flock that excludes filelock holders of the same file, and vice versa."""

import os
import sys

import pytest

from specgui.core.errors import SampleError, SplitLockError
from specgui.core.review import box_save
from specgui.core.review.edit_lock import edit_lock
from specgui.core.splits.store import LOCK_NAME, split_lock

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="flock is POSIX; Windows uses filelock itself")


def test_a_filelock_holder_keeps_the_edit_lock_out(tmp_path):
    with split_lock(tmp_path, timeout=1):
        with pytest.raises(SplitLockError, match="held the edit lock"):
            with edit_lock(tmp_path, timeout=0.05):
                pass
    with edit_lock(tmp_path, timeout=0.05):  # free again once released
        pass


def test_an_edit_lock_holder_keeps_filelock_out(tmp_path):
    with edit_lock(tmp_path, timeout=1):
        with pytest.raises(SplitLockError):
            with split_lock(tmp_path, timeout=0.05):
                pass


def test_two_edit_locks_exclude_each_other_and_release_on_error(tmp_path):
    with pytest.raises(RuntimeError):
        with edit_lock(tmp_path, timeout=1):
            with pytest.raises(SplitLockError):
                with edit_lock(tmp_path, timeout=0.05):
                    pass
            raise RuntimeError("inside")
    with edit_lock(tmp_path, timeout=0.05):
        pass


def test_a_symlink_at_the_lock_name_is_refused_not_followed(tmp_path):
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep me")
    os.symlink(target, tmp_path / LOCK_NAME)
    with pytest.raises(SplitLockError, match="symlink"):
        with edit_lock(tmp_path, timeout=0.05):
            pass
    assert target.read_text() == "keep me"


def test_a_save_waits_for_the_lock_and_writes_nothing_when_it_cannot_have_it(tmp_path, monkeypatch):
    samples = tmp_path / "sig" / "samples"
    samples.mkdir(parents=True)
    path = samples / "a.json"
    path.write_text('{"boxes": []}\n')
    before = path.read_bytes()
    monkeypatch.setattr(box_save, "EDIT_LOCK_TIMEOUT_S", 0.05)
    with split_lock(samples.parent, timeout=1):
        with pytest.raises(SampleError, match="cannot take the edit lock"):
            box_save.save_boxes(path, [], box_save.file_sha256(path), (8, 8))
    assert path.read_bytes() == before
