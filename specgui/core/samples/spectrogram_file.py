"""Reading a sample's ``.npz`` spectrogram safely: no pickles, no zip bombs, no escapes.

The array header is read and checked (key, dtype, rank, declared size) before a single
byte of pixel data is decompressed, so a few-KB file that would inflate to gigabytes is
refused from its header alone.
"""

from __future__ import annotations

import io
import math
import os
import zipfile
import zlib
from pathlib import Path

import numpy as np

try:  # ISA-L inflates ~1.7x faster than zlib, same streams and CRCs; zlib where it is absent
    from isal import isal_zlib as _inflate_lib

    _INFLATE_ERRORS: tuple[type[Exception], ...] = (zlib.error, _inflate_lib.error)
except ImportError:  # pragma: no cover - isal is a dependency, but keep working without it
    _inflate_lib = zlib
    _INFLATE_ERRORS = (zlib.error,)

from ..errors import SampleError
from ..fs import check_inside, open_problem, open_regular, read_npy_header

SPECTROGRAM_KEY = "spectrogram"
_MEMBER = SPECTROGRAM_KEY + ".npy"
#: Largest spectrogram accepted by default; raise it with ``SPECGUI_MAX_SPECTROGRAM_MB``.
DEFAULT_MAX_SPECTROGRAM_BYTES = 256 * 1024 * 1024


def max_spectrogram_bytes() -> int:
    """The size limit in force: ``SPECGUI_MAX_SPECTROGRAM_MB`` when set, else the default."""
    raw = os.environ.get("SPECGUI_MAX_SPECTROGRAM_MB")
    if raw:
        try:
            return int(float(raw) * 1024 * 1024)
        except ValueError:
            pass
    return DEFAULT_MAX_SPECTROGRAM_BYTES


def load_spectrogram(
    path: str | os.PathLike,
    *,
    root: str | os.PathLike | None = None,
    max_bytes: int | None = None,
) -> np.ndarray:
    """The ``spectrogram`` array of an ``.npz``: uint8, 2-D, writable, C-contiguous.

    Raises :class:`SampleError` naming ``path`` for anything else: missing file, not a zip,
    truncated data, missing key, pickled/object arrays, wrong dtype or rank, or a declared
    size over ``max_bytes`` (default :func:`max_spectrogram_bytes`).
    """
    path = Path(path)
    limit = max_spectrogram_bytes() if max_bytes is None else max_bytes
    check_inside(path, Path(root) if root is not None else None)
    try:
        with open_regular(path) as fh, zipfile.ZipFile(fh) as archive:
            return _read_member(archive, path, limit)
    except SampleError:
        raise
    except (FileNotFoundError, PermissionError, IsADirectoryError) as exc:
        raise SampleError(path, open_problem(exc, "an .npz file")) from None
    except zipfile.BadZipFile as exc:
        raise SampleError(path, f"not a valid npz (zip) file: {exc}") from None
    except (*_INFLATE_ERRORS, EOFError) as exc:
        raise SampleError(path, f"truncated or corrupt compressed data: {exc}") from None
    except (OSError, ValueError, NotImplementedError, RuntimeError) as exc:
        raise SampleError(path, f"cannot read npz: {exc}") from None


def npz_image_shape(npz_path: Path, root: Path | None = None) -> tuple[int, int]:
    """(rows, cols) from the ``spectrogram`` array header, decompressing only its first bytes."""
    check_inside(npz_path, root)
    try:
        with open_regular(npz_path) as fh, zipfile.ZipFile(fh) as archive, archive.open(_MEMBER) as member:
            shape, _fortran, _dtype = read_npy_header(member, npz_path, f"'{SPECTROGRAM_KEY}'")
    except SampleError:
        raise
    except KeyError:
        raise SampleError(npz_path, f"no '{SPECTROGRAM_KEY}' array") from None
    except (OSError, ValueError, zipfile.BadZipFile, EOFError, RuntimeError) as exc:
        raise SampleError(npz_path, f"cannot read the array header: {exc}") from None
    if len(shape) != 2 or min(shape) <= 0:
        raise SampleError(npz_path, f"'{SPECTROGRAM_KEY}' has shape {shape}, expected 2-D")
    return int(shape[0]), int(shape[1])


def _read_member(archive: zipfile.ZipFile, path: Path, limit: int) -> np.ndarray:
    names = archive.namelist()
    if _MEMBER not in names:
        keys = sorted(n[:-4] if n.endswith(".npy") else n for n in names)
        raise SampleError(path, f"no '{SPECTROGRAM_KEY}' array (keys: {keys or 'none'})")
    info = archive.getinfo(_MEMBER)
    if info.flag_bits & 0x1:
        raise SampleError(path, "'spectrogram' is encrypted")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise SampleError(path, f"'spectrogram' uses unsupported zip compression {info.compress_type}")
    fp = _seek_member_data(archive.fp, info, path)
    deflated = info.compress_type == zipfile.ZIP_DEFLATED
    # The header alone first, from the first compressed bytes: a bomb or an oversized file
    # is refused before its pixels are read, let alone inflated.
    raw = fp.read(min(info.compress_size, _HEAD_READ))
    head = _inflate_lib.decompressobj(-15).decompress(raw, _MAX_HEADER) if deflated else raw[:_MAX_HEADER]
    header_stream = io.BytesIO(head)
    shape, fortran_order, dtype = read_npy_header(header_stream, path, "'spectrogram'")
    nbytes = _check_array_header(shape, dtype, path, limit)
    total = header_stream.tell() + nbytes
    wanted = info.compress_size if deflated else min(info.compress_size, total)
    if wanted > len(raw):
        raw += fp.read(wanted - len(raw))
    if len(raw) != wanted:
        raise SampleError(path, "truncated: the zip member is shorter than its declared size")
    # max_length bounds memory whatever the stream really holds
    data = _inflate_lib.decompressobj(-15).decompress(raw, total) if deflated else raw[:total]
    if len(data) != total:
        raise SampleError(path, f"truncated: 'spectrogram' holds {len(data) - header_stream.tell():,} of {nbytes:,} bytes")
    if len(data) == info.file_size and _inflate_lib.crc32(data) != info.CRC:
        raise SampleError(path, "corrupt data: CRC check failed")
    pixels = np.frombuffer(bytearray(memoryview(data)[header_stream.tell():]), dtype=np.uint8)
    if fortran_order:
        return np.ascontiguousarray(pixels.reshape(shape[::-1]).T)
    return pixels.reshape(shape)


_MAX_HEADER = 10000 + 16  # numpy's own cap on an .npy header, plus its preamble
_HEAD_READ = 64 * 1024  # compressed bytes read before the header is checked


def _seek_member_data(fp, info: zipfile.ZipInfo, path: Path):
    """Position ``fp`` at the member's stored (maybe deflated) bytes; returns ``fp``."""
    fp.seek(info.header_offset)
    local = fp.read(30)
    if len(local) != 30 or local[:4] != b"PK\x03\x04":
        raise SampleError(path, "corrupt zip: bad local file header")
    name_len = int.from_bytes(local[26:28], "little")
    extra_len = int.from_bytes(local[28:30], "little")
    fp.seek(info.header_offset + 30 + name_len + extra_len)
    return fp


def _check_array_header(shape, dtype: np.dtype, path: Path, limit: int) -> int:
    if dtype.hasobject:
        raise SampleError(path, "'spectrogram' is an object array (pickled data is refused)")
    if dtype != np.uint8:
        raise SampleError(path, f"'spectrogram' has dtype {dtype}, expected uint8")
    if len(shape) != 2:
        raise SampleError(path, f"'spectrogram' has shape {shape}, expected 2-D (rows, columns)")
    if any(isinstance(n, bool) or not isinstance(n, int) or n < 0 for n in shape):
        raise SampleError(path, f"'spectrogram' has a bad array header: shape {shape}")
    nbytes = math.prod(shape)  # Python ints: a crafted shape cannot overflow to a small size
    if nbytes > limit:
        raise SampleError(
            path,
            f"'spectrogram' of shape {shape} is {nbytes:,} bytes, over the limit of {limit:,} "
            "(set SPECGUI_MAX_SPECTROGRAM_MB to raise it)",
        )
    if nbytes == 0:
        raise SampleError(path, f"'spectrogram' is empty (shape {shape})")
    return nbytes
