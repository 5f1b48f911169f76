"""Sample trees for the sanity-pass tests (TorchSig samples plus one bad sample of each kind),
and a check that each planted sample really is bad the way it claims."""

from __future__ import annotations

import io
import json
import os
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest

from specgui.core.errors import SampleError
from specgui.core.samples.loading import load_sample
from tests.helpers import write_sample

SIGNAL = "mixed"

#: sample ID -> (split, kind, words the reason must contain, file suffix or None)
BAD = {
    "bad_truncated": ("train", "spectrogram", "truncated", ".npz"),
    "bad_cut": ("train", "spectrogram", "not a valid npz", ".npz"),
    "bad_notzip": ("train", "spectrogram", "not a valid npz", ".npz"),
    "bad_nokey": ("train", "spectrogram", "no 'spectrogram' array", ".npz"),
    "bad_float": ("val", "spectrogram", "dtype float32", ".npz"),
    "bad_3d": ("train", "spectrogram", "expected 2-D", ".npz"),
    "bad_json": ("val", "labels", "malformed JSON", ".json"),
    "bad_nan": ("train", "labels", "not a finite number", ".json"),
    "bad_inverted": ("train", "labels", "inverted", ".json"),
    "bad_outside": ("val", "labels", "outside", ".json"),
    "bad_blank": ("train", "image", "blank", ".npz"),
    "bad_no_npz": ("train", "missing_file", ".npz file is missing", ".npz"),
    "bad_no_json": ("val", "missing_file", ".json file is missing", ".json"),
    "bad_nothing": ("train", "missing_file", "neither", ".npz"),
    "..escape": ("train", "unsafe_id", "'..'", None),
    "../up": ("train", "unsafe_id", "path separator", None),
    "sub/dir": ("val", "unsafe_id", "path separator", None),
}


def _npy_bytes(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, array)
    return buf.getvalue()


def plant_bad_samples(samples: Path, good_npz: Path) -> None:
    """One sample per kind of defect, each with otherwise sound files."""
    boxes = [{"x_min": 1, "y_min": 2, "x_max": 10, "y_max": 12}]
    for sample_id, (_, kind, _, _) in BAD.items():
        if kind in ("unsafe_id", "missing_file"):
            continue
        (samples / f"{sample_id}.json").write_text(json.dumps({"boxes": boxes}))
    pixels = np.random.default_rng(1).integers(0, 256, (64, 80), dtype=np.uint8)
    with zipfile.ZipFile(samples / "bad_truncated.npz", "w") as archive:  # member data cut short
        archive.writestr("spectrogram.npy", _npy_bytes(pixels)[:3000])
    blob = good_npz.read_bytes()
    (samples / "bad_cut.npz").write_bytes(blob[: len(blob) // 2])  # file cut in half
    (samples / "bad_notzip.npz").write_bytes(b"this is not a zip file at all")
    np.savez(samples / "bad_nokey.npz", image=pixels)
    np.savez(samples / "bad_float.npz", spectrogram=pixels.astype(np.float32))
    np.savez(samples / "bad_3d.npz", spectrogram=np.zeros((2, 8, 8), dtype=np.uint8))
    for sample_id in ("bad_json", "bad_nan", "bad_inverted", "bad_outside"):
        np.savez_compressed(samples / f"{sample_id}.npz", spectrogram=pixels)
    (samples / "bad_json.json").write_text('{"boxes": [{"x_min": 1,')
    (samples / "bad_nan.json").write_text('{"boxes": [{"x_min": NaN, "y_min": 2, "x_max": 10, "y_max": 12}]}')
    (samples / "bad_inverted.json").write_text(json.dumps({"boxes": [{"x_min": 30, "y_min": 2, "x_max": 10, "y_max": 12}]}))
    (samples / "bad_outside.json").write_text(json.dumps({"boxes": [{"x_min": 1, "y_min": 2, "x_max": 500, "y_max": 12}]}))
    np.savez(samples / "bad_blank.npz", spectrogram=np.zeros((64, 80), dtype=np.uint8))
    (samples / "bad_no_npz.json").write_text(json.dumps({"boxes": boxes}))
    np.savez(samples / "bad_no_json.npz", spectrogram=pixels)


def write_split(signal_dir: Path, train: list, val: list, version: int = 1) -> None:
    """A seed-format split version made active (written by hand: SplitManager refuses bad IDs)."""
    splits = signal_dir / "splits"
    splits.mkdir(parents=True, exist_ok=True)
    data = {"version": version, "created_at": "2026-01-24T10:00:00Z", "total_samples": len(train) + len(val),
            "train_samples": train, "val_samples": val, "train_count": len(train), "val_count": len(val),
            "val_ratio": len(val) / max(1, len(train) + len(val)), "random_seed": 42, "notes": "test"}
    (splits / f"v{version}.json").write_text(json.dumps(data, indent=2))
    active = splits / "active.json"
    if active.is_symlink() or active.exists():
        active.unlink()
    os.symlink(f"v{version}.json", active)


def build_mixed_signal(torchsig_root: Path) -> tuple[Path, list[str], list[str]]:
    """All 14 TorchSig samples, one odd-sized sample and every bad kind under signal ``mixed``.

    Returns (signal dir, good train IDs, good val IDs).
    """
    samples = torchsig_root / SIGNAL / "samples"
    samples.mkdir(parents=True)
    good = []
    for npz in sorted(torchsig_root.glob("*/samples/*.npz")):
        if npz.parent == samples:
            continue
        sample_id = f"{npz.parent.parent.name}_{npz.stem}"
        shutil.copy(npz, samples / f"{sample_id}.npz")
        shutil.copy(npz.with_suffix(".json"), samples / f"{sample_id}.json")
        good.append(sample_id)
    write_sample(samples, "odd_size", shape=(100, 300), boxes=[])  # another size, no boxes
    good.append("odd_size")
    plant_bad_samples(samples, samples / f"{good[0]}.npz")
    good_train, good_val = good[:-4], good[-4:]
    train = good_train[:5] + [s for s, v in BAD.items() if v[0] == "train"] + good_train[5:]
    val = [s for s, v in BAD.items() if v[0] == "val"] + good_val
    write_split(torchsig_root / SIGNAL, train, val)
    return torchsig_root / SIGNAL, good_train, good_val


def test_every_planted_sample_is_refused_by_the_loader_for_its_own_reason(torchsig_root):
    signal_dir, good_train, good_val = build_mixed_signal(torchsig_root)
    samples = signal_dir / "samples"
    for sample_id in good_train + good_val:
        load_sample(samples, sample_id)
    for sample_id, (_, kind, words, _) in BAD.items():
        if kind in ("unsafe_id", "missing_file", "image"):
            continue
        with pytest.raises(SampleError, match=words.replace("(", r"\(")):
            load_sample(samples, sample_id)
