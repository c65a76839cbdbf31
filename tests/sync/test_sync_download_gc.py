"""The page reader pauses the garbage collector while it parses (sync.pages) and leaves it as
it found it: on after a good page and after a bad one, off when the caller had it off."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator

import pytest
from pydantic import ValidationError

from sync.pages import parse_changes_page

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
