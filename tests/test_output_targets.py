"""Output targets: what ``-o PATH`` names is still there, of the same kind, afterwards.

A regular file or a new name is replaced atomically (temporary file, then rename); a
symbolic link stays a link and its target is replaced in the target's own folder; a
character device, a FIFO or ``/proc/self/fd/N`` of a pipe is written directly; a folder, a
block device and a link loop are refused with one error line.

The device tests use a private copy of ``/dev/null`` made with mknod in the test's folder
(never the machine's own, which a regression would replace for every program).
"""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reportparse import cli, emit
from reportparse.errors import OutputError

pytestmark = pytest.mark.skipif(os.name != "posix", reason="device nodes, FIFOs and links")

DUMP = Path(__file__).parent / "fixtures" / "text" / "monthly-2024-09.txt"
runner = CliRunner()


def leftovers(*folders: Path) -> list[str]:
    """Given folders, return the temporary files atomic writes left in them."""
    return [p.name for folder in folders for p in folder.iterdir() if p.name.endswith(".tmp")]


@pytest.fixture
def null_device(tmp_path: Path) -> Path:
    """A character device that discards what is written (a private /dev/null)."""
    node = tmp_path / "null"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        with node.open("wb") as handle:  # some mounts forbid opening device nodes
            handle.write(b"")
    except OSError:
        if os.geteuid() == 0:
            pytest.skip("cannot make a device node here")
        return Path("/dev/null")  # safe: only root could replace it
    return node


@pytest.fixture
def linked(tmp_path: Path) -> tuple[Path, Path]:
    """A symlink in links/ to an existing file in real/; return (link, target)."""
    (tmp_path / "links").mkdir()
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "out.json"
    target.write_bytes(b"old\n")
    target.chmod(0o640)
    link = tmp_path / "links" / "link.json"
    link.symlink_to(Path("..") / "real" / "out.json")  # relative, as users make them
    return link, target


# --------------------------------------------------------------------------- atomic_write


def test_a_character_device_is_written_not_replaced(null_device: Path) -> None:
    before = null_device.stat()
    emit.atomic_write(null_device, b"discarded\n")
    after = null_device.lstat()
    assert stat.S_ISCHR(after.st_mode)
    assert (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)


def test_a_symlink_stays_and_its_target_is_replaced(linked: tuple[Path, Path]) -> None:
    link, target = linked
    pointer = os.readlink(link)
    emit.atomic_write(link, b"new\n")
    assert link.is_symlink() and os.readlink(link) == pointer
    assert target.read_bytes() == b"new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # the target's mode is kept
    assert leftovers(link.parent, target.parent) == []


def test_a_chain_of_symlinks_leads_to_the_file_replaced(linked: tuple[Path, Path]) -> None:
    link, target = linked
    outer = link.parent / "outer.json"
    outer.symlink_to(link.name)
    emit.atomic_write(outer, b"via two links\n")
    assert outer.is_symlink() and link.is_symlink()
    assert target.read_bytes() == b"via two links\n"


def test_a_dangling_symlink_gets_its_target_created(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "real" / "new.json")
    emit.atomic_write(link, b"created\n")
    assert link.is_symlink()
    assert (tmp_path / "real" / "new.json").read_bytes() == b"created\n"
    assert leftovers(tmp_path, tmp_path / "real") == []


def test_a_fifo_is_written_directly(tmp_path: Path) -> None:
    path = tmp_path / "pipe"
    os.mkfifo(path)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(path.read_bytes()), daemon=True)
    reader.start()
    emit.atomic_write(path, b"through the pipe\n")
    reader.join(timeout=60)  # a guard against a hang, not a speed check
    assert received == [b"through the pipe\n"]
    assert stat.S_ISFIFO(path.lstat().st_mode)


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_a_pipe_named_through_proc_is_written_directly() -> None:
    read_end, write_end = os.pipe()
    try:
        emit.atomic_write(f"/proc/self/fd/{write_end}", b"to the pipe\n")
        os.close(write_end)
        write_end = -1
        with os.fdopen(read_end, "rb") as handle:
            assert handle.read() == b"to the pipe\n"
    finally:
        if write_end >= 0:
            os.close(write_end)


def test_a_symlink_loop_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    with pytest.raises(OutputError, match="loop"):
        emit.atomic_write(tmp_path / "a", b"x")
    assert (tmp_path / "a").is_symlink() and (tmp_path / "b").is_symlink()


def test_a_block_device_is_refused(tmp_path: Path) -> None:
    node = tmp_path / "disk"
    try:
        # A device number no driver claims: nothing could be written even by mistake.
        os.mknod(node, stat.S_IFBLK | 0o600, os.makedev(240, 254))
    except OSError:
        pytest.skip("cannot make a device node here")
    with pytest.raises(OutputError, match="block device"):
        emit.atomic_write(node, b"x")
    assert stat.S_ISBLK(node.lstat().st_mode)


# --------------------------------------------------------------------------- the command


def extract_to(target: Path | str) -> str:
    """Given an output path, run ``reportparse extract DUMP -o PATH``; return stderr."""
    result = runner.invoke(cli.app, ["extract", str(DUMP), "-o", str(target)])
    assert result.exit_code == 0, result.output
    return result.stderr


@pytest.fixture
def expected(tmp_path: Path) -> bytes:
    """What ``extract`` writes for the dump into a regular file."""
    plain = tmp_path / "plain.json"
    extract_to(plain)
    return plain.read_bytes()


def test_cli_output_onto_a_character_device(null_device: Path) -> None:
    before = null_device.stat()
    extract_to(null_device)
    after = null_device.lstat()
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino


def test_cli_output_onto_a_symlink(linked: tuple[Path, Path], expected: bytes) -> None:
    link, target = linked
    extract_to(link)
    assert link.is_symlink()
    assert target.read_bytes() == expected
    assert leftovers(link.parent, target.parent) == []


def test_cli_output_onto_a_dangling_symlink(tmp_path: Path, expected: bytes) -> None:
    (tmp_path / "real").mkdir()
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "real" / "new.json")
    extract_to(link)
    assert link.is_symlink()
    assert (tmp_path / "real" / "new.json").read_bytes() == expected


def test_cli_output_into_a_fifo(tmp_path: Path, expected: bytes) -> None:
    path = tmp_path / "pipe"
    os.mkfifo(path)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(path.read_bytes()), daemon=True)
    reader.start()
    extract_to(path)
    reader.join(timeout=60)  # a guard against a hang, not a speed check
    assert received == [expected]
    assert stat.S_ISFIFO(path.lstat().st_mode)


def test_cli_output_onto_a_folder_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("x")
    result = runner.invoke(cli.app, ["extract", str(DUMP), "-o", str(tmp_path)])
    assert result.exit_code == 2
    assert "'--output'" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]
