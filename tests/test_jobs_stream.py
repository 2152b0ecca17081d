"""--jobs workers: long lines (an authorization's JSON line, ~200 kB) are written to the spool
one by one as they are encoded instead of joined into the chunk's text first, and the workers'
collector runs as seldom as one process's does while it writes a batch (issue 13).

A streamed chunk holds the bytes the joined text encodes to; a character the encoding cannot
write raises the error the joined text raises (the same message, the same position), a full
disk sends the bytes through the pipe, and no file is left either way.  The commands' bytes
under --jobs are compared with --jobs 1 by tests/test_jobs_spool.py.  Nothing here measures
speed.
"""

from __future__ import annotations

import errno
import gc
import os
from pathlib import Path
from typing import Any

import pytest

from exportctl.cli import batch as cli_batch
from exportctl.cli.batch import Spooled

forked = pytest.mark.skipif(not hasattr(os, "fork"), reason="the workers are forked")
PIECE = ("", 0, 0, 1)


class Lines(cli_batch.PieceWriter):
    """A worker's writer whose piece is ``texts`` (stdout's encoding ``encoding``)."""

    def __init__(self, texts: list[str], encoding: tuple[str, str] = ("utf-8", "strict")) -> None:
        self.texts = texts
        self.encoding = encoding

    def parts(self, piece: Any) -> tuple[list[Any], list[Any]]:
        return list(self.texts), [len(self.texts)]

    def __call__(self, piece: Any) -> tuple[Any, list[Any]]:
        return "".join(self.texts).encode(*self.encoding), [len(self.texts)]


def _spool(tmp_path: Path, texts: list[str], **kw: Any) -> tuple[Any, list[Any], Path]:
    folder = tmp_path / "spool"
    folder.mkdir(exist_ok=True)
    payload, tallies = cli_batch._Spooler(Lines(texts, **kw), str(folder))(PIECE)
    return payload, tallies, folder


LONG = ['{"a": "§ 126.7 — ' + "x" * 9000 + '"}\n', '{"b": "ü' + "y" * 20000 + '"}\n']


def test_long_lines_are_streamed_to_the_bytes_of_the_joined_text(tmp_path: Path) -> None:
    payload, tallies, _ = _spool(tmp_path, LONG * 4)
    assert type(payload) is Spooled and tallies == [8]
    want = "".join(LONG * 4).encode("utf-8")
    assert payload.size == len(want) > sum(map(len, LONG * 4))  # bytes, not characters
    assert Path(payload.path).read_bytes() == want


def test_short_lines_are_joined_then_spooled_or_sent(tmp_path: Path) -> None:
    """Lines shorter than STREAM_LINE on average: the joined text's bytes, spooled when they
    reach SPOOL_MIN, else given back."""
    short = ["T-1,§ 126.7,yes\n"] * (cli_batch.SPOOL_MIN // 8)
    payload, _, _ = _spool(tmp_path, short)
    assert type(payload) is Spooled
    assert Path(payload.path).read_bytes() == "".join(short).encode("utf-8")
    assert _spool(tmp_path, short[:3])[0] == "".join(short[:3]).encode("utf-8")


def test_a_character_the_encoding_cannot_write_raises_as_the_joined_text(tmp_path: Path) -> None:
    bad = [LONG[0], LONG[1][:50] + "\udc80" + LONG[1][50:]]
    with pytest.raises(UnicodeEncodeError) as joined:
        "".join(bad).encode("utf-8", "strict")
    with pytest.raises(UnicodeEncodeError) as streamed:
        _spool(tmp_path, bad)
    assert str(streamed.value) == str(joined.value)
    assert list((tmp_path / "spool").iterdir()) == []


def test_a_full_disk_sends_the_streamed_bytes_through_the_pipe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(*args: Any, **kwargs: Any) -> Any:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("builtins.open", full)
    payload, tallies, folder = _spool(tmp_path, LONG * 4)
    assert (payload, tallies) == ("".join(LONG * 4).encode("utf-8"), [8])
    assert list(folder.iterdir()) == []


def _thresholds(_: Any) -> tuple[int, ...]:
    return gc.get_threshold()


@forked
def test_workers_collect_as_one_batch_process_and_the_thresholds_are_restored() -> None:
    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        found = list(cli_batch.in_workers(range(4), _thresholds, 2))
        assert gc.get_threshold() == (700, 10, 10)
    finally:
        gc.set_threshold(*before)
    assert found == [(700, *cli_batch.BATCH_GC_THRESHOLDS)] * 4
