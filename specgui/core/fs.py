"""Reading what a user (or a hostile tree) put on disk: one home for each way of reading.

- :func:`open_regular`: regular files only (a FIFO would hang the read, ``/dev/zero`` never end);
- :func:`check_inside`: a symlink whose target leaves its folder is refused unread;
- :func:`read_json`: a JSON file decoded, every failure named;
- :func:`read_npy_header`: an ``.npy`` header (shape, order, dtype) without reading the data.

Each takes the error type to raise (:class:`SampleError` for samples, :class:`SplitFileError`
for split files), so the message always names the file and the caller's kind of problem.
"""

from __future__ import annotations

import errno
import io
import json
import os
import stat
from pathlib import Path

import numpy as np

from .errors import SampleError, SpecguiError

_MB = 1024 * 1024


def check_inside(path: Path, root: Path | None, error: type[SpecguiError] = SampleError,
                 where: str = "the data folder") -> None:
    """Refuse a symlinked file whose target lies outside ``root`` (``where`` names it)."""
    if root is None or not os.path.islink(path):
        return
    target = os.path.realpath(path)
    real_root = os.path.realpath(root)
    if os.path.commonpath([target, real_root]) != real_root:
        raise error(path, f"is a symlink to {target}, outside {where} {real_root}; refused unread")


def open_regular(path: Path, error: type[SpecguiError] = SampleError) -> io.BufferedReader:
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
            raise error(path, "is not a regular file (a pipe, device or socket); refused unread")
        if nonblock:
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def open_problem(exc: OSError, what: str) -> str:
    """What went wrong opening a file, in the words every reader uses (``what``: "a JSON file")."""
    if isinstance(exc, FileNotFoundError):
        return "file not found"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, IsADirectoryError):
        return f"is a folder, not {what}"
    return f"cannot read: {exc.strerror or exc}"


def read_json_bytes(path: Path, error: type[SpecguiError] = SampleError, max_bytes: int | None = None) -> bytes:
    """The bytes of the regular file ``path`` (at most ``max_bytes``); ``error`` otherwise."""
    try:
        with open_regular(path, error) as fh:
            blob = fh.read() if max_bytes is None else _read_at_most(fh, max_bytes)
    except OSError as exc:
        raise error(path, open_problem(exc, "a JSON file")) from None
    if max_bytes is not None and len(blob) > max_bytes:
        raise error(path, f"larger than {max_bytes // _MB} MB; refused unread")
    return blob


def parse_json(blob: bytes, path: Path, error: type[SpecguiError] = SampleError) -> object:
    """``blob`` decoded as JSON (UTF-8, a BOM allowed); ``error`` naming ``path`` otherwise."""
    try:
        text = blob.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(path, f"not UTF-8 text (byte {exc.start})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(path, f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise error(path, "JSON nested too deeply") from None
    except ValueError as exc:  # e.g. an integer literal over Python's 4300-digit limit
        raise error(path, f"unreadable JSON value: {exc}") from None


def read_json(path: Path, error: type[SpecguiError] = SampleError, max_bytes: int | None = None) -> object:
    """The decoded JSON (UTF-8, a BOM allowed) of the regular file ``path``; ``error`` otherwise."""
    return parse_json(read_json_bytes(path, error, max_bytes), path, error)


def _read_at_most(fh, max_bytes: int) -> bytes:
    """Up to ``max_bytes + 1`` bytes: read(max + 1) alone would allocate the whole limit per
    file, so ask for the size on disk (+1 to notice growth); only a file that grew meanwhile
    reads on, up to the limit."""
    size = os.fstat(fh.fileno()).st_size
    blob = fh.read(min(size, max_bytes) + 1)
    if len(blob) > size:
        blob += fh.read(max_bytes + 1 - len(blob))
    return blob


def read_npy_header(stream, path: Path, array: str, error: type[SpecguiError] = SampleError,
                    ) -> tuple[tuple, bool, np.dtype]:
    """(shape, fortran_order, dtype) from the ``.npy`` header at the start of ``stream``;
    ``array`` names the array in messages."""
    fmt = np.lib.format
    try:
        major, _minor = fmt.read_magic(stream)
        if major == 1:
            return fmt.read_array_header_1_0(stream)
        if major in (2, 3):
            return fmt.read_array_header_2_0(stream)
    except Exception as exc:  # numpy's header parser also raises TokenError, SyntaxError...
        raise error(path, f"{array} has a bad array header: {type(exc).__name__}: {exc}") from None
    raise error(path, f"{array} uses unknown npy format version {major}")
