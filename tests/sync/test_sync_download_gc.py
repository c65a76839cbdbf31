"""The page reader pauses the garbage collector while it parses (sync.pages) and leaves it as
it found it: on after a good page and after a bad one, off when the caller had it off."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import ValidationError

from local_db import open_database
from local_db.sync_state import read_cursor
from sync.client import ChannelClient
from sync.download import Downloader
from sync.pages import parse_changes_page
from sync.transport import RetryPolicy, ServerUnavailable, Transport

GOOD = json.dumps({
    "store_id": "S1", "epoch": "0" * 31 + "1", "next_cursor": "c1", "has_more": False,
    "high_water": 1, "items": [{"version": 1, "entity": "unit", "key": "ea", "op": "upsert",
                                "data": {"code": "ea", "name": "Each"}}],
}).encode()  # fmt: skip


@pytest.fixture
def gc_restored() -> Iterator[None]:
    enabled = gc.isenabled()
    yield None
    if enabled:
        gc.enable()
    else:
        gc.disable()


@pytest.mark.usefixtures("gc_restored")
def test_the_collector_is_on_again_after_a_page_and_after_a_refused_one() -> None:
    gc.enable()
    page = parse_changes_page(GOOD)
    assert [i.key for i in page.items] == ["ea"] and gc.isenabled()
    with pytest.raises(ValidationError):
        parse_changes_page(b'{"store_id": 1}')
    assert gc.isenabled()


@pytest.mark.usefixtures("gc_restored")
def test_a_collector_switched_off_by_the_caller_stays_off() -> None:
    gc.disable()
    parse_changes_page(GOOD)
    assert not gc.isenabled()


@pytest.mark.usefixtures("gc_restored")
def test_a_full_download_that_fails_switches_the_collector_on_again(tmp_path: Path) -> None:
    """The full download pauses the collector (sync.download); offline, it is on again after."""
    gc.enable()
    db = open_database(tmp_path / "register.db", create=True)
    transport = Transport("http://127.0.0.1:9", retry=RetryPolicy(attempts=1, base=0.01, cap=0.01))
    downloader = Downloader(db, ChannelClient(transport), "S1")
    try:
        with pytest.raises(ServerUnavailable):
            downloader.download()
        assert gc.isenabled()
        cursor = read_cursor(db)
        assert cursor is not None and cursor.full_download  # started, resumable, offline
    finally:
        transport.close()
        db.close()
