"""The labeling backend's contract for ``SplitManager``, run against specgui as the backend uses it.

The backend swaps specgui in through a one-line module (``training/splits.py`` re-exporting
``SplitManager``); every test here goes through such a module, written to a temp folder and
imported from there. Where ``../shared/seed`` is present the same tests also run against the
original code, which shows the contract is the backend's and not specgui's own idea (the seed
predates ``get_split_summary``, so those tests run on specgui only).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from helpers import make_signal, write_sample

SEED_KEYS_V1 = {"version", "created_at", "total_samples", "train_samples", "val_samples", "train_count",
                "val_count", "val_ratio", "random_seed", "notes"}
SEED_KEYS_LATER = SEED_KEYS_V1 - {"random_seed"} | {"parent_version", "samples_added"}
SUMMARY_KEYS = {"total_samples", "pending_samples", "train_count", "val_count", "active_version"}


def _import_reexport(folder: Path):
    """What the backend does: a ``training/splits.py`` of one line, imported as its module."""
    module_file = folder / "training_splits_shim.py"
    module_file.write_text("from specgui.core.splits import SplitManager  # noqa: F401\n")
    spec = importlib.util.spec_from_file_location("training_splits_shim", module_file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.SplitManager


@pytest.fixture(params=["specgui", "seed"])
def manager_class(request, tmp_path_factory):
    if request.param == "seed":
        seed = pytest.importorskip("seed_splits", reason="../shared/seed is absent: contract checked on specgui only")
        return seed.SplitManager
    return _import_reexport(tmp_path_factory.mktemp("backend"))


@pytest.fixture
def specgui_manager_class(tmp_path_factory):
    return _import_reexport(tmp_path_factory.mktemp("backend"))


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "signals"


def _ids(n: int) -> list[str]:
    return [f"{i:04d}" for i in range(n)]


# -- helper methods ---------------------------------------------------------------------------
def test_helper_paths_are_the_seeds(manager_class, root):
    make_signal(root, "burst", _ids(2))
    manager = manager_class(str(root))
    signal = manager._get_signal_dir("burst")
    assert isinstance(signal, Path) and signal == root / "burst"
    assert manager._get_splits_dir("burst") == root / "burst" / "splits"
    assert manager._get_samples_dir("burst") == root / "burst" / "samples"


def test_helper_paths_need_no_folder(manager_class, root):
    root.mkdir()
    manager = manager_class(str(root))
    assert manager._get_splits_dir("later") == root / "later" / "splits"
    assert not (root / "later").exists()  # asking for a path makes nothing


def test_list_sample_ids_sorted_complete_only(manager_class, root):
    make_signal(root, "burst", ["b2", "a1", "c3"])
    samples = root / "burst" / "samples"
    (samples / "lonely.npz").write_bytes(b"x")  # no .json
    (samples / "orphan.json").write_text("{}")  # no .npz
    ids = manager_class(str(root))._list_sample_ids("burst")
    assert ids == ["a1", "b2", "c3"] and type(ids) is list and all(type(i) is str for i in ids)


def test_list_sample_ids_without_samples_folder(manager_class, root):
    (root / "empty").mkdir(parents=True)
    assert manager_class(str(root))._list_sample_ids("empty") == []


# -- create_initial_split ---------------------------------------------------------------------
def test_create_initial_split_writes_v1_and_activates_it(manager_class, root):
    make_signal(root, "burst", _ids(10))
    manager = manager_class(str(root))
    assert manager.create_initial_split("burst", val_ratio=0.2, random_seed=7) == 1
    v1 = json.loads((root / "burst" / "splits" / "v1.json").read_text())
    assert SEED_KEYS_V1 <= set(v1)
    assert v1["val_count"] == 2 and v1["train_count"] == 8 and v1["random_seed"] == 7
    assert sorted(v1["train_samples"] + v1["val_samples"]) == _ids(10)
    assert json.loads((root / "burst" / "splits" / "active.json").read_text())["version"] == 1
    assert manager.get_active_split_version("burst") == 1


def test_create_initial_split_val_is_at_least_one(manager_class, root):
    make_signal(root, "burst", _ids(3))
    manager = manager_class(str(root))
    manager.create_initial_split("burst", val_ratio=0.1)
    train, val = manager.get_split("burst")
    assert len(val) == 1 and len(train) == 2


def test_create_initial_split_same_seed_same_membership(manager_class, tmp_path):
    answers = []
    for run in ("a", "b"):
        root = tmp_path / run / "signals"
        make_signal(root, "burst", _ids(30))
        manager = manager_class(str(root))
        manager.create_initial_split("burst", random_seed=3)
        answers.append(manager.get_split("burst"))
    assert answers[0] == answers[1]


@pytest.mark.parametrize("make_folder", [True, False], ids=["empty-signal", "no-signal-folder"])
def test_create_initial_split_without_samples_says_no_samples_found(manager_class, root, make_folder):
    root.mkdir()
    if make_folder:
        (root / "quiet" / "samples").mkdir(parents=True)
    with pytest.raises(ValueError) as caught:
        manager_class(str(root)).create_initial_split("quiet")
    assert str(caught.value).startswith("No samples found for quiet")


# -- extend_split -----------------------------------------------------------------------------
def test_extend_split_adds_to_train_only(manager_class, root):
    make_signal(root, "burst", _ids(10))
    manager = manager_class(str(root))
    manager.create_initial_split("burst")
    train1, val1 = manager.get_split("burst")
    write_sample(root / "burst" / "samples", "0100", seed=100)
    write_sample(root / "burst" / "samples", "0101", seed=101)
    assert manager.extend_split("burst") == 2
    train2, val2 = manager.get_split("burst")
    assert sorted(val2) == sorted(val1)
    assert sorted(train2) == sorted(train1 + ["0100", "0101"])
    v2 = json.loads((root / "burst" / "splits" / "v2.json").read_text())
    assert SEED_KEYS_LATER <= set(v2)
    assert v2["parent_version"] == 1 and v2["samples_added"] == 2
    assert manager.get_active_split_version("burst") == 2


def test_extend_split_with_nothing_new_returns_the_current_version(manager_class, root):
    make_signal(root, "burst", _ids(5))
    manager = manager_class(str(root))
    manager.create_initial_split("burst")
    assert manager.extend_split("burst") == 1
    assert not (root / "burst" / "splits" / "v2.json").exists()


def test_extend_split_with_named_ids(manager_class, root):
    make_signal(root, "burst", _ids(5))
    manager = manager_class(str(root))
    manager.create_initial_split("burst")
    for new in ("0100", "0101"):
        write_sample(root / "burst" / "samples", new)
    assert manager.extend_split("burst", new_sample_ids=["0101"]) == 2
    train, _ = manager.get_split("burst")
    assert "0101" in train and "0100" not in train
    assert manager.get_pending_samples("burst") == ["0100"]


def test_extend_split_without_a_split_creates_v1(manager_class, root):
    make_signal(root, "burst", _ids(6))
    manager = manager_class(str(root))
    assert manager.extend_split("burst") == 1
    train, val = manager.get_split("burst", version=1)
    assert sorted(train + val) == _ids(6)


# -- reading ----------------------------------------------------------------------------------
def test_get_split_by_version_and_active(manager_class, root):
    make_signal(root, "burst", _ids(8))
    manager = manager_class(str(root))
    manager.create_initial_split("burst")
    write_sample(root / "burst" / "samples", "0100")
    manager.extend_split("burst")
    train1, val1 = manager.get_split("burst", version=1)
    train2, val2 = manager.get_split("burst")
    assert type(train1) is list and type(val1) is list
    assert "0100" in train2 and "0100" not in train1 and val1 == val2


def test_get_split_missing_is_file_not_found(manager_class, root):
    make_signal(root, "burst", _ids(3))
    manager = manager_class(str(root))
    with pytest.raises(FileNotFoundError):
        manager.get_split("burst")
    manager.create_initial_split("burst")
    with pytest.raises(FileNotFoundError):
        manager.get_split("burst", version=9)


def test_active_version_is_zero_without_a_split(manager_class, root):
    make_signal(root, "burst", _ids(3))
    assert manager_class(str(root)).get_active_split_version("burst") == 0


def test_pending_samples(manager_class, root):
    make_signal(root, "burst", _ids(4))
    manager = manager_class(str(root))
    assert sorted(manager.get_pending_samples("burst")) == _ids(4)
    manager.create_initial_split("burst")
    assert manager.get_pending_samples("burst") == []
    write_sample(root / "burst" / "samples", "0200")
    write_sample(root / "burst" / "samples", "0100")
    assert manager.get_pending_samples("burst") == ["0100", "0200"]


# -- get_split_summary (the backend's server reports it; newer than the seed) ------------------
def test_summary_without_a_split(specgui_manager_class, root):
    make_signal(root, "burst", _ids(7))
    summary = specgui_manager_class(str(root)).get_split_summary("burst")
    assert summary == {"total_samples": 7, "pending_samples": 7, "train_count": 0, "val_count": 0,
                       "active_version": None}


def test_summary_after_create_and_new_samples(specgui_manager_class, root):
    make_signal(root, "burst", _ids(10))
    manager = specgui_manager_class(str(root))
    manager.create_initial_split("burst")
    for new in ("0100", "0101", "0102"):
        write_sample(root / "burst" / "samples", new)
    summary = manager.get_split_summary("burst")
    assert set(summary) == SUMMARY_KEYS
    assert summary == {"total_samples": 13, "pending_samples": 3, "train_count": 8, "val_count": 2,
                       "active_version": 1}
    manager.extend_split("burst")
    assert manager.get_split_summary("burst") == {"total_samples": 13, "pending_samples": 0,
                                                  "train_count": 11, "val_count": 2, "active_version": 2}


def test_summary_counts_split_members_missing_on_disk(specgui_manager_class, root):
    """A val file deleted after v1: the lists still count it, the disk total does not."""
    make_signal(root, "burst", _ids(10))
    manager = specgui_manager_class(str(root))
    manager.create_initial_split("burst")
    gone = manager.get_split("burst")[1][0]
    (root / "burst" / "samples" / f"{gone}.npz").unlink()
    summary = manager.get_split_summary("burst")
    assert summary["total_samples"] == 9 and summary["val_count"] == 2 and summary["pending_samples"] == 0


def test_summary_of_an_empty_signal(specgui_manager_class, root):
    (root / "quiet" / "samples").mkdir(parents=True)
    assert specgui_manager_class(str(root)).get_split_summary("quiet") == {
        "total_samples": 0, "pending_samples": 0, "train_count": 0, "val_count": 0, "active_version": None}


def test_summary_types_are_json_plain(specgui_manager_class, root):
    make_signal(root, "burst", _ids(4))
    manager = specgui_manager_class(str(root))
    manager.create_initial_split("burst")
    summary = manager.get_split_summary("burst")
    assert json.loads(json.dumps(summary)) == summary
    assert all(type(summary[k]) is int for k in SUMMARY_KEYS)
