"""Bytes -> a file on disk, never half-written."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from ..errors import OutputError


def atomic_write(path: str | os.PathLike[str], data: bytes) -> None:
    """Given a path and bytes, write them there without clobbering what the path names.

    A regular file or a new name is replaced in one step (a temporary file in the same
    folder, then a rename), so it is never half-written. A symbolic link stays: the file it
    finally points to is replaced that way, in that file's own folder (a dangling link gets
    its target created). A character device (``/dev/null``, a terminal), a FIFO or a socket
    is written directly, since a rename would put a file in place of the node. A folder or
    a block device is refused.
    """
    name = os.fspath(path)
    try:
        info = os.stat(name)  # follows links, /proc/self/fd/N included
    except OSError:  # no such file, a dangling or looping link, a path through a file
        info = None
    if info is not None and not stat.S_ISREG(info.st_mode):
        _check_writable_node(name, info)
        _write_directly(name, data)
        return
    # A new name or a regular file, maybe behind links: replace the file the links lead to.
    _replace_file(_resolved_target(name), data, shown=name)


def _check_writable_node(name: str, info: os.stat_result) -> None:
    """Given a path that is not a regular file and its stat, raise OutputError unless the
    tool may write into it directly (a character device, FIFO or socket)."""
    if stat.S_ISDIR(info.st_mode):
        raise OutputError("cannot write the output: it is a folder", path=name)
    if stat.S_ISBLK(info.st_mode):
        raise OutputError("refusing to write the output onto a block device", path=name)


def _resolved_target(name: str) -> Path:
    """Given an output path, return the regular file it names once links are followed
    (OutputError when the links loop)."""
    target = Path(os.path.realpath(name))
    if target.is_symlink():  # realpath stops at a loop it cannot resolve
        raise OutputError("cannot write the output: its symbolic links loop", path=name)
    return target


def _write_directly(name: str, data: bytes) -> None:
    """Given a device, FIFO or socket path and bytes, write them to it (no rename)."""
    try:
        with open(name, "wb") as handle:
            handle.write(data)
    except OSError as exc:
        raise OutputError(f"cannot write the output: {exc.strerror or exc}", path=name) from exc


def _replace_file(target: Path, data: bytes, *, shown: str) -> None:
    """Given a regular file's path (existing or not) and bytes, replace it in one step."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"cannot create the folder {str(target.parent)!r}: {exc.strerror or exc}",
            path=shown,
        ) from exc
    try:
        # Same directory, so os.replace is a rename on one file system, never a copy.
        fd, temp_name = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
        )
    except OSError as exc:
        raise OutputError(f"cannot write the output: {exc.strerror or exc}", path=shown) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, _mode_for(target))
        os.replace(temp_name, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        if isinstance(exc, OSError):
            raise OutputError(
                f"cannot write the output: {exc.strerror or exc}", path=shown
            ) from exc
        raise
    _fsync_directory(target.parent)


def _mode_for(target: Path) -> int:
    """Given the target path, return the permission bits the new file should get."""
    # mkstemp makes 0600 files; keep an existing file's mode, else what open() would give.
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_directory(directory: Path) -> None:
    """Given a directory, flush its entry list so the rename survives a crash."""
    # Best effort: not every platform or file system lets a directory be opened.
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
