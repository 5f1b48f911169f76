"""The npz loader: identical pixels to numpy for good files, a named refusal for bad ones."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from specgui.core.errors import SampleError
from specgui.core.samples.spectrogram_file import load_spectrogram


def _npz(path: Path, compressed=True, **arrays) -> Path:
    (np.savez_compressed if compressed else np.savez)(path, **arrays)
    return path


@pytest.mark.parametrize("compressed", [True, False])
def test_reads_the_same_pixels_as_numpy(tmp_path, compressed):
    pixels = np.random.default_rng(1).integers(0, 256, (70, 90), dtype=np.uint8)
    path = _npz(tmp_path / "a.npz", compressed, spectrogram=pixels, other=np.arange(4))
    loaded = load_spectrogram(path)
    assert loaded.dtype == np.uint8 and loaded.shape == (70, 90)
    assert np.array_equal(loaded, pixels)
    assert loaded.flags.writeable and loaded.flags.c_contiguous


def test_fortran_ordered_array_is_read_in_its_logical_order(tmp_path):
    pixels = np.asfortranarray(np.arange(12 * 7, dtype=np.uint8).reshape(12, 7))
    assert np.array_equal(load_spectrogram(_npz(tmp_path / "f.npz", spectrogram=pixels)), pixels)


def test_torchsig_files_match_numpy(torchsig_root):
    for path in sorted(torchsig_root.glob("*/samples/*.npz")):
        with np.load(path) as data:
            assert np.array_equal(load_spectrogram(path), data["spectrogram"])


def _bad(tmp_path: Path, name: str, maker) -> Path:
    path = tmp_path / name
    maker(path)
    return path


BAD_FILES = {
    "missing key": (lambda p: np.savez(p, image=np.zeros((4, 4), np.uint8)), "no 'spectrogram' array"),
    "float dtype": (lambda p: np.savez(p, spectrogram=np.zeros((4, 4), np.float32)), "dtype float32"),
    "uint16 dtype": (lambda p: np.savez(p, spectrogram=np.zeros((4, 4), np.uint16)), "dtype uint16"),
    "1-D": (lambda p: np.savez(p, spectrogram=np.zeros(16, np.uint8)), "expected 2-D"),
    "3-D": (lambda p: np.savez(p, spectrogram=np.zeros((2, 4, 4), np.uint8)), "expected 2-D"),
    "object array": (lambda p: np.savez(p, spectrogram=np.array([{"a": 1}], dtype=object)), "pickled"),
    "not a zip": (lambda p: p.write_bytes(b"hello, I am text"), "not a valid npz"),
    "zero bytes": (lambda p: p.write_bytes(b""), "not a valid npz"),
    "empty array": (lambda p: np.savez(p, spectrogram=np.zeros((0, 4), np.uint8)), "empty"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_npz_is_refused_naming_the_file(tmp_path, case):
    maker, expected = BAD_FILES[case]
    path = _bad(tmp_path, "bad.npz", maker)
    with pytest.raises(SampleError) as err:
        load_spectrogram(path)
    assert str(path) in str(err.value) and expected in str(err.value)


@pytest.mark.parametrize("compressed", [True, False])
def test_truncated_npz_is_refused(tmp_path, compressed):
    path = _npz(tmp_path / "t.npz", compressed,
                spectrogram=np.random.default_rng(0).integers(0, 256, (64, 64), dtype=np.uint8))
    blob = path.read_bytes()
    path.write_bytes(blob[: len(blob) // 2])
    with pytest.raises(SampleError, match="t.npz"):
        load_spectrogram(path)


def test_missing_file_is_a_sample_error(tmp_path):
    with pytest.raises(SampleError, match="file not found"):
        load_spectrogram(tmp_path / "nope.npz")


def _bomb(path: Path, shape: tuple[int, int]) -> None:
    """A real deflated npy member of ``shape`` zeros, written without allocating it."""
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "|u1", "fortran_order": False, "shape": shape})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("spectrogram.npy", "w", force_zip64=True) as member:
            member.write(header.getvalue())
            chunk = bytes(1 << 20)
            for _ in range(8):  # only 8 MB really written; the header claims far more
                member.write(chunk)


def test_zip_bomb_is_refused_from_its_header(tmp_path):
    path = tmp_path / "bomb.npz"
    _bomb(path, (200_000, 200_000))  # declares 40 GB
    assert path.stat().st_size < 100_000
    with pytest.raises(SampleError, match="over the limit"):
        load_spectrogram(path)


def test_size_limit_can_be_raised(tmp_path, monkeypatch):
    path = _npz(tmp_path / "big.npz", spectrogram=np.zeros((1024, 2048), np.uint8))
    with pytest.raises(SampleError, match="over the limit"):
        load_spectrogram(path, max_bytes=1024 * 1024)
    monkeypatch.setenv("SPECGUI_MAX_SPECTROGRAM_MB", "1")
    with pytest.raises(SampleError, match="SPECGUI_MAX_SPECTROGRAM_MB"):
        load_spectrogram(path)
    monkeypatch.setenv("SPECGUI_MAX_SPECTROGRAM_MB", "4")
    assert load_spectrogram(path).shape == (1024, 2048)


def test_symlink_out_of_the_data_folder_is_refused(tmp_path):
    outside = _npz(tmp_path / "outside.npz", spectrogram=np.zeros((4, 4), np.uint8))
    root = tmp_path / "data"
    (root / "sig" / "samples").mkdir(parents=True)
    link = root / "sig" / "samples" / "x.npz"
    link.symlink_to(outside)
    with pytest.raises(SampleError, match="outside the data folder"):
        load_spectrogram(link, root=root)
    inside = _npz(root / "sig" / "samples" / "y.npz", spectrogram=np.ones((4, 4), np.uint8))
    (root / "sig" / "samples" / "z.npz").symlink_to(inside)
    assert load_spectrogram(root / "sig" / "samples" / "z.npz", root=root).sum() == 16


def test_corrupted_pixel_data_fails_the_crc(tmp_path):
    path = _npz(tmp_path / "c.npz", compressed=False, spectrogram=np.zeros((64, 64), np.uint8))
    blob = bytearray(path.read_bytes())
    blob[blob.index(b"\x00" * 64) + 32] = 7  # flip a pixel inside the stored member
    path.write_bytes(bytes(blob))
    with pytest.raises(SampleError, match="CRC"):
        load_spectrogram(path)


def test_the_generated_stand_in_has_the_torchsig_samples_shape():
    """tests/torchsig_like.py mirrors ../shared/data/torchsig-sample (checked where it is present)."""
    from tests.conftest import TORCHSIG_ABSENT, TORCHSIG_DIR
    from tests.torchsig_like import COUNTS, SIDE

    if not TORCHSIG_DIR.is_dir():
        pytest.skip(TORCHSIG_ABSENT)
    assert {p.name: len(list((p / "samples").glob("*.npz"))) for p in TORCHSIG_DIR.iterdir()} == COUNTS
    for json_path in TORCHSIG_DIR.glob("*/samples/*.json"):
        assert {"boxes", "boxes_tight", "class_names", "snr_db"} <= set(json.loads(json_path.read_text()))
        assert load_spectrogram(json_path.with_suffix(".npz")).shape == (SIDE, SIDE)
