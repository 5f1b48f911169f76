"""Generator of the nasty-file corpus: hostile and broken npz, sample JSON and split files.

Nothing big is stored in git: each case is built here, deterministically, in a few KB,
by the fixtures in ``tests/reliability/conftest.py`` (or by hand:
``python tests/corpus/make_corpus.py OUT_DIR`` writes every file and an ``index.json``).

Each table maps a case name to ``(bytes, expected)``: ``expected`` is ``"ok"`` when the
loader must accept the file, else a fragment of the refusal message. The pickle payload
creates the folder ``marker`` when unpickled, so a test can prove that nothing unpickled it.
"""

from __future__ import annotations

import io
import json
import pickle
import struct
import sys
import zipfile
import zlib
from pathlib import Path

import numpy as np

GOOD_SHAPE = (16, 24)


def npz_bytes(compressed: bool = True, **arrays) -> bytes:
    buf = io.BytesIO()
    (np.savez_compressed if compressed else np.savez)(buf, **arrays)
    return buf.getvalue()


def npy_header(shape, descr: str = "|u1", fortran: bool = False) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": descr, "fortran_order": fortran, "shape": tuple(shape)})
    return buf.getvalue()


def raw_zip(member: bytes, *, name: bytes = b"spectrogram.npy", method: int = 8, declared_size: int | None = None,
            crc: int | None = None, flags: int = 0) -> bytes:
    """One-member zip written by hand, so its central directory can lie.

    ``member`` is the uncompressed payload; ``declared_size`` (default: the truth) is
    what the headers claim it inflates to (zip64 when over 4 GB); ``crc`` likewise.
    """
    data = member
    if method == 8:
        comp = zlib.compressobj(6, zlib.DEFLATED, -15)
        data = comp.compress(member) + comp.flush()
    size = len(member) if declared_size is None else declared_size
    crc = zlib.crc32(member) if crc is None else crc
    zip64 = size >= 0xFFFFFFFF
    extra = struct.pack("<HHQQ", 1, 16, size, len(data)) if zip64 else b""
    usize, csize = (0xFFFFFFFF, 0xFFFFFFFF) if zip64 else (size, len(data))
    version = 45 if zip64 else 20
    local = struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", version, flags, method, 0, 0x21, crc, csize, usize,
                        len(name), len(extra)) + name + extra
    central = struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", version, version, flags, method, 0, 0x21, crc,
                          csize, usize, len(name), len(extra), 0, 0, 0, 0, 0) + name + extra
    offset = len(local) + len(data)
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 1, 1, len(central), offset, 0)
    return local + data + central + end


def raw_npy_header(text: str, major: int = 1) -> bytes:
    """An npy preamble around any header text (numpy's writer would refuse bad ones)."""
    body = text.encode("latin-1").ljust(118) + b"\n"
    return b"\x93NUMPY" + bytes([major, 0]) + struct.pack("<H", len(body)) + body


class _MakeFolder:
    """Unpickling this creates a folder: proof that something unpickled the file."""

    def __init__(self, marker: str):
        self.marker = marker

    def __reduce__(self):
        import os
        return (os.mkdir, (self.marker,))


def pickle_npz(marker: str) -> bytes:
    """An npz whose 'spectrogram' is an object array that runs ``os.mkdir(marker)`` when loaded."""
    payload = pickle.dumps(_MakeFolder(marker), protocol=2)
    member = npy_header((1,), descr="|O") + payload
    return raw_zip(member, method=0)


def wrapping_shape(nbytes: int) -> tuple[int, int]:
    """Two dims below 2**63 whose product wraps, in int64 arithmetic, to ``nbytes``."""
    for a in range(2**32 + 1, 2**32 + 1000, 2):
        b = nbytes * pow(a, -1, 2**64) % 2**64
        if b < 2**63:
            return a, b
    raise AssertionError("no wrapping shape found")


def _shape_member(shape, payload: bytes = b"") -> bytes:
    return raw_zip(raw_npy_header("{'descr': '|u1', 'fortran_order': False, 'shape': %r, }" % (tuple(shape),)) + payload)


def npz_cases(marker: str) -> dict[str, tuple[bytes, str]]:
    good = np.arange(np.prod(GOOD_SHAPE), dtype=np.uint8).reshape(GOOD_SHAPE)
    valid = npz_bytes(spectrogram=good)
    pixels = npy_header(GOOD_SHAPE) + good.tobytes()
    bomb_head = npy_header((100_000, 100_000))  # 10 GB declared, a few KB on disk
    return {
        "valid_compressed.npz": (valid, "ok"),
        "valid_stored.npz": (npz_bytes(False, spectrogram=good), "ok"),
        "fortran_order.npz": (npz_bytes(spectrogram=np.asfortranarray(good)), "ok"),
        "extra_keys.npz": (npz_bytes(spectrogram=good, meta=np.arange(3), other=np.zeros(2)), "ok"),
        "zero_bytes.npz": (b"", "not a valid npz"),
        "not_a_zip.npz": (b"\x89HDF\r\n\x1a\n" + bytes(200), "not a valid npz"),
        "text_file.npz": (b"spectrogram = [[1, 2], [3, 4]]\n", "not a valid npz"),
        "truncated_half.npz": (valid[: len(valid) // 2], "npz"),
        "truncated_tail.npz": (valid[:-30], "npz"),
        "missing_key.npz": (npz_bytes(image=good), "no 'spectrogram' array"),
        "pickled_object.npz": (pickle_npz(marker), "object array"),
        "float32.npz": (npz_bytes(spectrogram=good.astype(np.float32)), "dtype float32"),
        "float64.npz": (npz_bytes(spectrogram=good.astype(np.float64)), "dtype float64"),
        "uint16.npz": (npz_bytes(spectrogram=good.astype(np.uint16)), "dtype uint16"),
        "int8.npz": (npz_bytes(spectrogram=good.astype(np.int8)), "dtype int8"),
        "one_d.npz": (npz_bytes(spectrogram=good.ravel()), "expected 2-D"),
        "three_d.npz": (npz_bytes(spectrogram=good.reshape(2, 12, 16)), "expected 2-D"),
        "zero_d.npz": (npz_bytes(spectrogram=np.uint8(7)), "expected 2-D"),
        "empty_2d.npz": (npz_bytes(spectrogram=np.zeros((0, 24), np.uint8)), "empty"),
        "zip_bomb.npz": (raw_zip(bomb_head + bytes(1 << 20), declared_size=len(bomb_head) + 10**10), "over the limit"),
        "lying_cd_bomb.npz": (raw_zip(bomb_head + bytes(1 << 20), declared_size=len(bomb_head) + 64), "over the limit"),
        "lying_cd_small.npz": (raw_zip(pixels + bytes(1 << 20), declared_size=len(pixels), crc=zlib.crc32(pixels)), "ok"),
        "lying_cd_short.npz": (raw_zip(pixels[:200], declared_size=len(pixels)), "truncated"),
        "bad_crc.npz": (raw_zip(pixels, crc=12345), "CRC"),
        "encrypted_flag.npz": (raw_zip(pixels, flags=1), "encrypted"),
        "bzip2_method.npz": (raw_zip(pixels, method=12), "unsupported zip compression"),
        "bad_npy_magic.npz": (raw_zip(b"NOTNUMPY" + pixels[8:]), "bad array header"),
        "bad_npy_header.npz": (raw_zip(raw_npy_header("{'descr': <oops> }") + bytes(64)), "bad array header"),
        "npy_version_9.npz": (raw_zip(b"\x93NUMPY\x09\x00" + pixels[8:]), "npy format version 9"),
        "negative_shape.npz": (_shape_member((-1, 5), bytes(64)), "bad array header"),
        "shape_wraps_int64.npz": (_shape_member(wrapping_shape(384), bytes(384)), "over the limit"),
        "shape_over_int64.npz": (_shape_member((2**64, 1), bytes(64)), "over the limit"),
        "header_unbalanced.npz": (raw_zip(raw_npy_header("{'descr': '|u1', 'fortran_order': False, 'shape': (1")),
                                  "bad array header"),
        "header_not_dict.npz": (raw_zip(raw_npy_header("[1, 2, 3]")), "header"),
        "header_huge_dims.npz": (raw_zip(raw_npy_header("{'descr': '|u1', 'fortran_order': False, 'shape': (2**62, 2**62), }")), "header"),
    }


def json_cases() -> dict[str, tuple[bytes, str]]:
    def box(**over):
        return {"x_min": 1, "y_min": 2, "x_max": 10, "y_max": 12, **over}

    def doc(boxes, **extra):
        return json.dumps({"sample_id": "x", "boxes": boxes, **extra}).encode()

    return {
        "valid.json": (doc([box(label="signal", confidence=None)]), "ok"),
        "unknown_keys.json": (doc([box(snr_db=3.5)], snr_db=12, signals=[{"a": 1}], vendor={"k": [1, 2]}), "ok"),
        "empty_boxes.json": (doc([]), "ok"),
        "bom.json": (b"\xef\xbb\xbf" + doc([box()]), "ok"),
        "edge_box.json": (doc([box(x_max=GOOD_SHAPE[1], y_max=GOOD_SHAPE[0])]), "ok"),
        "malformed.json": (b'{"boxes": [', "malformed JSON"),
        "trailing_garbage.json": (doc([]) + b"}}", "malformed JSON"),
        "empty.json": (b"", "malformed JSON"),
        "latin1.json": ('{"boxes": [], "site": "K\xf6ln"}'.encode("latin-1"), "not UTF-8"),
        "utf16.json": ('{"boxes": []}'.encode("utf-16"), "not UTF-8"),
        "array.json": (b"[1, 2, 3]", "expected a JSON object"),
        "string.json": (b'"boxes"', "expected a JSON object"),
        "null.json": (b"null", "expected a JSON object"),
        "deep_nesting.json": (b'{"boxes": [], "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nested too deeply"),
        "boxes_missing.json": (json.dumps({"sample_id": "x"}).encode(), "no 'boxes' key"),
        "boxes_dict.json": (json.dumps({"boxes": box()}).encode(), "expected a list"),
        "boxes_string.json": (json.dumps({"boxes": "1,2,3,4"}).encode(), "expected a list"),
        "boxes_null.json": (json.dumps({"boxes": None}).encode(), "expected a list"),
        "box_is_list.json": (doc([[1, 2, 10, 12]]), "expected an object"),
        "box_missing_key.json": (doc([{"x_min": 1, "y_min": 2, "x_max": 10}]), "lacks y_max"),
        "coord_string.json": (doc([box(x_min="1")]), "not a number"),
        "coord_null.json": (doc([box(y_max=None)]), "not a number"),
        "coord_bool.json": (doc([box(x_max=True)]), "not a number"),
        "coord_nan.json": (b'{"boxes": [{"x_min": NaN, "y_min": 2, "x_max": 10, "y_max": 12}]}', "not a finite number"),
        "coord_inf.json": (b'{"boxes": [{"x_min": 1, "y_min": 2, "x_max": Infinity, "y_max": 12}]}', "not a finite number"),
        "coord_neg_inf.json": (b'{"boxes": [{"x_min": -Infinity, "y_min": 2, "x_max": 10, "y_max": 12}]}', "not a finite number"),
        "coord_1e999.json": (b'{"boxes": [{"x_min": 1, "y_min": 2, "x_max": 1e999, "y_max": 12}]}', "not a finite number"),
        "coord_huge_int.json": (b'{"boxes": [{"x_min": 1, "y_min": 2, "x_max": 1' + b"0" * 400 + b', "y_max": 12}]}', "x_max"),
        "coord_5000_digits.json": (b'{"boxes": [], "n": ' + b"7" * 5000 + b"}", "unreadable JSON value"),
        "inverted.json": (doc([box(x_min=10, x_max=1)]), "inverted"),
        "zero_area.json": (doc([box(y_min=5, y_max=5)]), "zero area"),
        "outside_right.json": (doc([box(x_max=GOOD_SHAPE[1] + 1)]), "outside"),
        "outside_negative.json": (doc([box(y_min=-3)]), "outside"),
    }


def split_doc(version=2, train=("a", "b"), val=("c",), **over) -> dict:
    data = {"version": version, "created_at": "2026-01-01T00:00:00Z", "total_samples": len(train) + len(val),
            "train_samples": list(train), "val_samples": list(val), "train_count": len(train),
            "val_count": len(val), "val_ratio": len(val) / (len(train) + len(val)), "notes": "corpus",
            "parent_version": 1, "samples_added": 1}
    data.update(over)
    return data


def split_cases() -> dict[str, tuple[bytes, str]]:
    """Bodies for a file named ``v2.json`` (so ``version`` 2 is the right number)."""
    def enc(data) -> bytes:
        return json.dumps(data).encode()

    def bad_ids(*ids) -> bytes:
        return enc(split_doc(train=("a",) + ids, train_count=1 + len(ids)))

    return {
        "valid.json": (enc(split_doc()), "ok"),
        "unknown_keys.json": (enc(split_doc(reviewer="kim", extra={"x": 1})), "ok"),
        "malformed.json": (b'{"version": 2, "train_samples": [', "malformed JSON"),
        "empty.json": (b"", "malformed JSON"),
        "not_utf8.json": (b'{"version": 2, "notes": "\xff\xfe"}', "UTF-8"),
        "array.json": (b"[]", "expected a JSON object"),
        "missing_keys.json": (enc({"version": 2}), "missing key"),
        "train_not_list.json": (enc(split_doc(train_samples="a,b")), "expected a list"),
        "version_string.json": (enc(split_doc(version="2")), "positive integer"),
        "version_bool.json": (enc(split_doc(version=True)), "positive integer"),
        "version_zero.json": (enc(split_doc(version=0)), "positive integer"),
        "version_mismatch.json": (enc(split_doc(version=7)), "says version 7"),
        "count_mismatch.json": (enc(split_doc(train_count=5)), "'train_count' is 5"),
        "id_slash.json": (bad_ids("sub/x"), "path separator"),
        "id_backslash.json": (bad_ids("sub\\x"), "path separator"),
        "id_dotdot.json": (bad_ids(".."), "'..'"),
        "id_traversal.json": (bad_ids("../../../etc/passwd"), "path separator"),
        "id_nul.json": (bad_ids("a\x00b"), "NUL"),
        "id_absolute.json": (bad_ids("/etc/passwd"), "path separator"),
        "id_drive.json": (bad_ids("C:evil"), "absolute path"),
        "id_home.json": (bad_ids("~root"), "absolute path"),
        "id_empty.json": (bad_ids(""), "empty sample ID"),
        "id_not_string.json": (bad_ids(7, None), "not a string"),
        "id_object.json": (bad_ids({"id": "a"}), "not a string"),
        "duplicates.json": (enc(split_doc(train=("a", "b", "a"))), "twice"),
        "overlap.json": (enc(split_doc(train=("a", "c"))), "both train and val"),
        "deep_nesting.json": (b'{"version": 2, "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nested too deeply"),
        "huge_int.json": (b'{"version": 2, "n": ' + b"9" * 5000 + b"}", "unreadable JSON value"),
    }


def main(out: str) -> int:
    folder = Path(out)
    index = {}
    for kind, table in (("npz", npz_cases(str(folder / "PICKLE_RAN"))), ("sample_json", json_cases()),
                        ("split", split_cases())):
        (folder / kind).mkdir(parents=True, exist_ok=True)
        for name, (blob, expected) in table.items():
            (folder / kind / name).write_bytes(blob)
            index[f"{kind}/{name}"] = expected
    (folder / "index.json").write_text(json.dumps(index, indent=1))
    print(f"wrote {len(index)} files to {folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1] if len(sys.argv) > 1 else "corpus_out"))
