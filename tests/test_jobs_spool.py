"""--jobs workers leave their chunks' bytes in files that the command's own process copies to
stdout in the kernel (issue 13: the parent received 411 MB through the pool's pipes for 2,000
distinct transfers in JSON lines, and wrote them).

The bytes must be those of one process (``--jobs 1``) whatever stdout is: a file, a pipe, a
file opened to append (which the kernel's copy refuses: the bytes are read and written), or a
stream without a file (the click test runner's).  The spool's folder is removed at the end.
These run the command in a fresh process (the kernel copy needs stdout's file), with pieces of
7 records so that the workers write many chunks.  Nothing here measures speed.
"""

from __future__ import annotations

import errno
import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from tests.test_jobs_pieces import VARIANTS, _parts, _transfers, awkward_csv
from tools import bench

import exportctl
from exportctl.cli import batch as cli_batch
from exportctl.cli.batch import Spooled, _BytesOut

DAY = "2026-01-15"
forked = pytest.mark.skipif(not hasattr(os, "fork"), reason="the workers are forked")
SRC = str(Path(exportctl.__file__).resolve().parents[1])

#: The command with pieces of ``CHUNK`` records, chunks of at least ``SPOOL_MIN`` bytes
#: spooled, and on stderr (last line) the chunks written from the spool and the kernel copies.
RUNNER = """
import os, sys
from exportctl.cli import batch
counts = {"spooled": 0, "sendfile": 0}
batch.SPOOL_MIN = int(os.environ["SPOOL_MIN"])
chunk = int(os.environ["CHUNK"])
write_parallel = batch.write_parallel
if chunk:
    batch.write_parallel = lambda *a, chunk_size=0: write_parallel(*a, chunk_size=chunk)
write = batch._BytesOut.write
def counted(self, payload):
    counts["spooled"] += type(payload) is batch.Spooled
    write(self, payload)
batch._BytesOut.write = counted
sendfile = os.sendfile
def sent(*args):
    counts["sendfile"] += 1
    return sendfile(*args)
os.sendfile = sent
from exportctl.cli import main
try:
    main()
finally:
    sys.stderr.write(f"SPOOL {counts['spooled']} {counts['sendfile']}\\n")
"""


def run(
    args: list[str], tmp: Path, stdout: str, *, spool_min: int = 0, chunk: int = 7
) -> tuple[int, bytes, str, tuple[int, int]]:
    """The command's exit status, stdout, stderr and (chunks spooled, kernel copies), with
    stdout a ``file``, a ``pipe`` or a file opened to ``append``."""
    env = {
        **os.environ,
        "PYTHONPATH": SRC,
        "TMPDIR": str(tmp / "spool"),
        "SPOOL_MIN": str(spool_min),
        "CHUNK": str(chunk),
    }
    (tmp / "spool").mkdir(exist_ok=True)
    argv = [sys.executable, "-c", RUNNER, *args]
    if stdout == "pipe":
        done = subprocess.run(argv, capture_output=True, env=env, check=False)
        out = done.stdout
    else:
        target = tmp / "out.bin"
        target.write_bytes(b"")
        with target.open("ab" if stdout == "append" else "wb") as fh:
            done = subprocess.run(argv, stdout=fh, stderr=subprocess.PIPE, env=env, check=False)
        out = target.read_bytes()
    err = done.stderr.decode()
    *lines, last = err.splitlines()
    assert last.startswith("SPOOL "), err
    spooled, copies = (int(v) for v in last.split()[1:])
    assert list((tmp / "spool").iterdir()) == []  # the spool's folder is removed
    return done.returncode, out, "\n".join(lines), (spooled, copies)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("spool")
    files = {}
    for command, example, rows, key in (
        ("screen", bench.PARTS, _parts(90), "item_id"),
        ("authorize", bench.TRANSFERS, _transfers(30), "transfer_id"),
    ):
        path = tmp / f"{command}.csv"
        path.write_bytes(awkward_csv(example, rows, key, **VARIANTS["bom-crlf-no-last-eol"]))
        files[command] = path
    return files


@forked
@pytest.mark.parametrize("command", ["screen", "authorize"])
@pytest.mark.parametrize("fmt", ["csv", "jsonl", "table"])
def test_spooled_chunks_are_the_bytes_of_one_process(
    inputs: dict[str, Path], command: str, fmt: str, tmp_path: Path
) -> None:
    """--jobs 2 and 3 against --jobs 1, stdout a file, a pipe or a file opened to append (a
    table is written from rows, never spooled)."""
    args = [command, str(inputs[command]), "--format", fmt, "--as-of", DAY]
    one = run([*args, "--jobs", "1"], tmp_path, "file")
    assert one[3] == (0, 0)  # one process: nothing spooled
    for jobs, stdout in (("2", "file"), ("2", "pipe"), ("2", "append"), ("3", "pipe")):
        many = run([*args, "--jobs", jobs], tmp_path, stdout)
        assert many[:3] == one[:3], (jobs, stdout)  # exit status, every byte, the summary
        spooled, copies = many[3]
        if fmt == "table":
            assert (spooled, copies) == (0, 0)
        elif stdout == "append":
            assert spooled >= 5  # the workers' chunks came through the spool
            assert copies == spooled  # each tried once: the kernel refuses a file to append
        else:
            assert spooled >= 5 and copies >= spooled, (jobs, stdout)


@forked
def test_distinct_transfers_in_json_lines_are_spooled_at_the_real_size(tmp_path: Path) -> None:
    """110 distinct transfers in pieces as the command cuts them (the first five decided in
    the command's own process, then 50, 50 and 5 by the workers; a transfer's JSON line is
    about 200 kB): the workers' three chunks come back through the spool."""
    path = tmp_path / "transfers.csv"
    bench.write_csv(path, bench.header_of(bench.TRANSFERS), bench.distinct_transfers(110, seed=5))
    args = ["authorize", str(path), "--format", "jsonl", "--as-of", DAY, "--quiet"]
    one = run([*args, "--jobs", "1"], tmp_path, "pipe", spool_min=cli_batch.SPOOL_MIN, chunk=0)
    two = run([*args, "--jobs", "2"], tmp_path, "pipe", spool_min=cli_batch.SPOOL_MIN, chunk=0)
    assert two[:3] == one[:3]
    assert len(one[1].splitlines()) == 110
    assert two[3][0] == 3


# --- the writer of spooled chunks ---------------------------------------------------------------


def _spooled(tmp_path: Path, name: str, data: bytes) -> Spooled:
    path = tmp_path / name
    path.write_bytes(data)
    return Spooled(str(path), len(data))


def test_a_spooled_chunk_follows_the_bytes_written_before_it(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    with target.open("wb") as fh:
        out = _BytesOut(fh)
        assert out.fd == fh.fileno()
        out.write(b"head\n")  # held in the stream's buffer
        first = _spooled(tmp_path, "a", b"one\n" * 5000)
        out.write(first)
        out.write(b"middle\n")
        out.write(_spooled(tmp_path, "b", b"two\n"))
        out.write(b"tail\n")
    assert target.read_bytes() == b"head\n" + b"one\n" * 5000 + b"middle\ntwo\ntail\n"
    assert not os.path.exists(first.path)  # each file is removed once written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.bin"]


def test_a_stream_without_a_file_reads_and_writes_the_chunk(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    out = _BytesOut(buffer)
    assert out.fd is None
    out.write(b"a\n")
    out.write(_spooled(tmp_path, "c", b"b\n" * 100))
    assert buffer.getvalue() == b"a\n" + b"b\n" * 100
    assert not (tmp_path / "c").exists()


def test_what_the_kernel_does_not_copy_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kernel copies part of a chunk and then refuses (a terminal, a full non-blocking
    pipe): the rest is read from where it stopped and written."""
    sendfile = os.sendfile
    calls: list[int] = []

    def partly(out_fd: int, in_fd: int, offset: int, count: int) -> int:
        calls.append(offset)
        if len(calls) == 1:
            return sendfile(out_fd, in_fd, offset, 7)
        raise OSError(errno.EINVAL, "no")

    monkeypatch.setattr(os, "sendfile", partly)
    data = bytes(range(256)) * 40
    target = tmp_path / "out.bin"
    with target.open("wb") as fh:
        out = _BytesOut(fh)
        out.write(b"x")
        out.write(_spooled(tmp_path, "d", data))
    assert calls == [0, 7]
    assert target.read_bytes() == b"x" + data


def test_a_broken_pipe_is_raised_and_the_chunk_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any) -> int:
        raise BrokenPipeError(errno.EPIPE, "Broken pipe")

    monkeypatch.setattr(os, "sendfile", broken)
    chunk = _spooled(tmp_path, "e", b"z\n")
    with (tmp_path / "out.bin").open("wb") as fh:
        out = _BytesOut(fh)
        with pytest.raises(BrokenPipeError):
            out.write(chunk)
    assert not os.path.exists(chunk.path)


def test_a_chunk_the_spool_cannot_hold_goes_through_the_pipe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk (or a folder gone) while a worker writes its chunk: the chunk's bytes are
    given back as they are, and no file is left."""
    folder = tmp_path / "spool"
    folder.mkdir()

    class Piece:
        def __call__(self, piece: Any) -> tuple[bytes, list[int]]:
            return b"x" * cli_batch.SPOOL_MIN, [1]

    spooler = cli_batch._Spooler(Piece(), str(folder))  # type: ignore[arg-type]
    payload, tallies = spooler(("", 0, 0, 1))
    assert type(payload) is Spooled and tallies == [1]
    assert Path(payload.path).read_bytes() == b"x" * cli_batch.SPOOL_MIN
    small = cli_batch._Spooler(lambda piece: (b"y", [2]), str(folder))  # type: ignore[arg-type]
    assert small(("", 0, 0, 1)) == (b"y", [2])  # under SPOOL_MIN: through the pipe
    real_open = open

    def full(path: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        fh = real_open(path, mode, *args, **kwargs)
        if "w" in mode:
            fh.close()
            raise OSError(errno.ENOSPC, "No space left on device")
        return fh

    monkeypatch.setattr("builtins.open", full)
    assert spooler(("", 0, 0, 1)) == (b"x" * cli_batch.SPOOL_MIN, [1])
    monkeypatch.undo()
    assert sorted(p.name for p in folder.iterdir()) == [Path(payload.path).name]
