"""Bytes -> a file on disk, never half-written."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from ..errors import OutputError


def atomic_write(path: str | os.PathLike[str], data: bytes) -> None:
    """Given a path and bytes, replace the file in one step (never half-written)."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"cannot create the folder {str(target.parent)!r}: {exc.strerror or exc}",
            path=str(target),
        ) from exc
    try:
        # Same directory, so os.replace is a rename on one file system, never a copy.
        fd, temp_name = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
        )
    except OSError as exc:
        raise OutputError(
            f"cannot write the output: {exc.strerror or exc}", path=str(target)
        ) from exc
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
                f"cannot write the output: {exc.strerror or exc}", path=str(target)
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
