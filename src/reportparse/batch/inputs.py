"""Inputs and their output paths: discovery under each SRC, safe names, and the freshness check."""

from __future__ import annotations

import contextlib
import fnmatch
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import orjson

from ..read.pages import file_sha256

if TYPE_CHECKING:  # multiprocessing is imported when a batch runs, not with the CLI
    pass
from ..errors import ReportParseError, UsageError
from .options import _TEMP_NAME, DEFAULT_GLOB, RESERVED_NAMES, Job

# --------------------------------------------------------------------------- discovery


def discover(
    srcs: Iterable[str | os.PathLike[str]],
    glob: str = DEFAULT_GLOB,
    *,
    exclude: str | os.PathLike[str] | None = None,
) -> list[Job]:
    """Given SRC folders/files and a file-name glob, return the jobs in path order.

    ``exclude`` is a folder never searched (DIR). Raises UsageError for a SRC that does not
    exist and for inputs from different SRCs that would be written to the same file.
    """
    excluded = _identity(Path(exclude)) if exclude is not None else None
    seen: set[tuple[int, int]] = set()
    groups: list[list[tuple[Path, PurePosixPath | None, str | None]]] = []
    for src in srcs:
        root = Path(src)
        try:
            info = root.stat()
        except FileNotFoundError:
            raise UsageError(f"{str(root)!r} not found (SRC must be a folder or a file)") from None
        except OSError as exc:
            raise UsageError(f"cannot read {str(root)!r}: {exc.strerror or exc}") from None
        found: list[tuple[Path, PurePosixPath | None, str | None]] = []
        if stat.S_ISDIR(info.st_mode):
            for path, rel, error in _walk(root, glob, excluded):
                if error is None:
                    key = _identity(path)
                    if key is not None and key in seen:
                        continue
                    if key is not None:
                        seen.add(key)
                found.append((path, rel, error))
            found.sort(key=lambda item: item[0].relative_to(root).parts)
        else:
            key = (info.st_dev, info.st_ino)
            if key not in seen:
                seen.add(key)
                found.append((root, PurePosixPath(_safe_part(root.name)), None))
        groups.append(found)
    return _assign_outputs(groups)


def _identity(path: Path) -> tuple[int, int] | None:
    """Given a path, return (device, inode) of what it points to, or None if unreadable."""
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_dev, info.st_ino)


def _walk(
    root: Path, glob: str, excluded: tuple[int, int] | None
) -> Iterator[tuple[Path, PurePosixPath | None, str | None]]:
    """Given a SRC folder, yield (path, path relative to root, None) for matching files.

    An unreadable folder yields (folder, None, reason). Folders are visited once each by
    identity, so symlink loops end.
    """
    visited: set[tuple[int, int]] = set()
    stack: list[tuple[Path, PurePosixPath]] = [(root, PurePosixPath())]
    root_id = _identity(root)
    if root_id is not None:
        visited.add(root_id)
    pattern = glob.casefold()
    by_path = "/" in glob
    while stack:
        folder, rel_folder = stack.pop()
        try:
            with os.scandir(folder) as listing:
                items = sorted(listing, key=lambda item: item.name)
        except OSError as exc:
            yield folder, None, f"cannot list the folder: {exc.strerror or exc}"
            continue
        subfolders: list[tuple[Path, PurePosixPath]] = []
        for item in items:
            if item.name.startswith("."):
                continue
            path = folder / item.name
            rel = rel_folder / _safe_part(item.name)
            try:
                is_dir = item.is_dir(follow_symlinks=True)
                is_file = not is_dir and item.is_file(follow_symlinks=True)
            except OSError:
                continue
            if is_dir:
                key = _identity(path)
                if key is None or key in visited or key == excluded:
                    continue
                visited.add(key)
                subfolders.append((path, rel))
            elif is_file:
                subject = rel.as_posix() if by_path else item.name
                if fnmatch.fnmatchcase(subject.casefold(), pattern):
                    yield path, rel, None
        # Depth first, in name order: push in reverse so the first name pops first.
        stack.extend(reversed(subfolders))


def _safe_part(name: str) -> str:
    """Given one file or folder name, return it as a single harmless path component."""
    cleaned = name.replace("/", "_").replace("\\", "_").replace("\x00", "_")
    if cleaned in ("", ".", ".."):
        return cleaned.replace(".", "_") or "_"
    return cleaned


def output_relative(rel: PurePosixPath, *, keep_suffix: bool = False) -> PurePosixPath:
    """Given an input's path relative to its SRC, return its JSON's path relative to DIR.

    Every component is made safe (no ``..``, ``.``, separators), so the result can only
    name something inside DIR. ``keep_suffix`` keeps the input's full name (``x.pdf.json``).
    """
    parts = [_safe_part(part) for part in rel.parts if part not in ("", ".", "/")]
    if not parts:
        parts = ["_"]
    name = parts[-1]
    stem = PurePosixPath(name).stem if not keep_suffix else name
    parts[-1] = f"{stem or name}.json"
    return PurePosixPath(*parts)


def _assign_outputs(
    groups: list[list[tuple[Path, PurePosixPath | None, str | None]]],
) -> list[Job]:
    """Given the files found per SRC, return jobs with collision-free output paths."""
    flat = [
        (index, path, rel, error)
        for index, found in enumerate(groups)
        for path, rel, error in found
    ]

    def key(rel: PurePosixPath) -> str:
        # Case-insensitive, so two names cannot clash on macOS or Windows either.
        return rel.as_posix().casefold()

    preferred = {i: output_relative(rel) for i, (_, _, rel, _) in enumerate(flat) if rel}
    counts: dict[str, int] = {}
    for rel in preferred.values():
        counts[key(rel)] = counts.get(key(rel), 0) + 1
    final: dict[int, PurePosixPath] = {}
    for i, rel in preferred.items():
        clash = counts[key(rel)] > 1 or key(rel) in RESERVED_NAMES
        source_rel = flat[i][2]
        assert source_rel is not None
        final[i] = output_relative(source_rel, keep_suffix=True) if clash else rel
    owners: dict[str, int] = {}
    for i, rel in final.items():
        other = owners.setdefault(key(rel), i)
        if other != i:
            raise UsageError(
                f"{str(flat[other][1])!r} and {str(flat[i][1])!r} would both be written to "
                f"{rel.as_posix()!r} in --out; pass their common parent folder as SRC, "
                "or convert them into different --out folders"
            )
    jobs: list[Job] = []
    for i, (_, path, _, error) in enumerate(flat):
        jobs.append(Job(path, final.get(i), error))
    return jobs


def contained_target(out_dir: Path, relative: PurePosixPath) -> Path:
    """Given DIR and a relative output path, return the target or raise if it leaves DIR."""
    target = out_dir.joinpath(*relative.parts)
    root = out_dir.resolve()
    parent = target.parent.resolve()
    if parent != root and root not in parent.parents:
        raise ReportParseError(
            f"the output {relative.as_posix()!r} would be written outside --out "
            "(a symlink inside the output folder?); refused",
            path=str(target),
        )
    return target


# --------------------------------------------------------------------------- incremental


def _load_issue(path: Path) -> dict[str, Any] | None:
    """Given a JSON file, return it if it is an issue (schema_version 1), else None."""
    try:
        data = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    if (
        isinstance(data, dict)
        and data.get("schema_version") == 1
        and isinstance(data.get("source"), dict)
        and isinstance(data.get("entries"), list)
    ):
        return data
    return None


def up_to_date(source: Path, target: Path) -> dict[str, Any] | None:
    """Given an input and its output, return the output's issue if it may be kept as is.

    Kept: the output is at least as new as the input and records the input's sha256.
    """
    try:
        if target.stat().st_mtime_ns < source.stat().st_mtime_ns:
            return None
    except OSError:
        return None
    issue = _load_issue(target)
    if issue is None:
        return None
    try:
        current = file_sha256(source)
    except OSError:
        return None
    return issue if issue["source"].get("sha256") == current else None


def _recorded_sha(target: Path) -> str | None:
    issue = _load_issue(target)
    return None if issue is None else issue["source"].get("sha256")


def _remove_temps(target: Path) -> None:
    """Given an output path, remove temporary files an atomic write to it left behind."""
    prefix = f".{target.name}."
    with contextlib.suppress(OSError), os.scandir(target.parent) as listing:
        for item in listing:
            if item.name.startswith(prefix) and item.name.endswith(".tmp"):
                with contextlib.suppress(OSError):
                    os.unlink(item.path)


def sweep_temps(out_dir: Path) -> int:
    """Given DIR, remove temporary files left by a killed run; return how many."""
    removed = 0
    if not out_dir.is_dir():
        return 0
    for folder, _dirs, files in os.walk(out_dir):
        for name in files:
            if _TEMP_NAME.match(name):
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(folder, name))
                    removed += 1
    return removed
