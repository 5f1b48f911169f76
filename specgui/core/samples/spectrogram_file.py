"""Reading a sample's ``.npz`` spectrogram safely: no pickles, no zip bombs, no escapes.

The array header is read and checked (key, dtype, rank, declared size) before a single
byte of pixel data is decompressed, so a few-KB file that would inflate to gigabytes is
refused from its header alone.
"""

from __future__ import annotations

import errno
import io
import math
import os
import stat
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


def check_inside(path: Path, root: Path | None) -> None:
    """Refuse a symlinked file whose target lies outside ``root`` (the data folder)."""
    if root is None or not os.path.islink(path):
        return
    target = os.path.realpath(path)
    real_root = os.path.realpath(root)
    if os.path.commonpath([target, real_root]) != real_root:
        raise SampleError(path, f"is a symlink to {target}, outside the data folder {real_root}")


def open_regular(path: Path) -> io.BufferedReader:
    """Open ``path`` for binary reading, refusing anything but a regular file.

    Opened non-blocking first, so a FIFO cannot hang the open and a device such as
    ``/dev/zero`` cannot feed an endless read; a folder raises :class:`IsADirectoryError`.
    """
    nonblock = getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, os.O_RDONLY | nonblock | getattr(os, "O_BINARY", 0))
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "is a folder", str(path))
        if not stat.S_ISREG(mode):
            raise SampleError(path, "is not a regular file (a pipe, device or socket); refused unread")
        if nonblock:
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


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
    except FileNotFoundError:
        raise SampleError(path, "file not found") from None
    except PermissionError:
        raise SampleError(path, "permission denied") from None
    except IsADirectoryError:
        raise SampleError(path, "is a folder, not an .npz file") from None
    except zipfile.BadZipFile as exc:
        raise SampleError(path, f"not a valid npz (zip) file: {exc}") from None
    except (*_INFLATE_ERRORS, EOFError) as exc:
        raise SampleError(path, f"truncated or corrupt compressed data: {exc}") from None
    except (OSError, ValueError, NotImplementedError, RuntimeError) as exc:
        raise SampleError(path, f"cannot read npz: {exc}") from None


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
    shape, fortran_order, dtype = _read_header(header_stream, path)
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


def _read_header(stream, path: Path) -> tuple[tuple[int, ...], bool, np.dtype]:
    fmt = np.lib.format
    try:
        major, _minor = fmt.read_magic(stream)
        if major == 1:
            return fmt.read_array_header_1_0(stream)
        if major in (2, 3):
            return fmt.read_array_header_2_0(stream)
    except Exception as exc:  # numpy's header parser also raises TokenError, SyntaxError...
        raise SampleError(path, f"'spectrogram' has a bad array header: {type(exc).__name__}: {exc}") from None
    raise SampleError(path, f"'spectrogram' uses unknown npy format version {major}")
