"""Electronic journal search through the dialog over a real register: a sale is found by its
receipt number and by operator + amount, its receipt previews as printed, the gift receipt
shows no prices, and bad criteria are refused calmly."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from pos_app.composition import Register, ensure_open_shift
from pos_app.ui.journal_dialog import JournalDialog
from pos_app.viewmodels.journal import JournalViewModel
from tests.ui.ui_ops_support import Taps, register_copy, sell


@pytest.fixture
def register(tmp_path: Path, seeded_store: Path) -> Iterator[Register]:
    reg = register_copy(seeded_store, tmp_path)
    ensure_open_shift(reg.runtime)
    yield reg
    reg.close()


def test_journal_search_finds_a_sale_and_previews_it(qtbot: QtBot, register: Register) -> None:
    first = sell(register, ["milk", "espresso"]).transaction
    sell(register, ["chocolate"])
    number = first.receipt_number
    assert number

    dialog = JournalDialog(JournalViewModel(register.runtime))
    qtbot.addWidget(dialog)
    dialog.show()
    taps = Taps(qtbot, "journal search by receipt number + preview + gift receipt")
    taps.type(dialog.receipt, number, enter=True)
    assert dialog.runner.wait_idle()
    assert dialog.results.rowCount() == 1, dialog.banner.text()
    assert dialog.results.item(0, 0).text() == number
    assert dialog.preview is not None
    text = dialog.preview_view.toPlainText()
    assert number in text and "Espresso" in text
    assert dialog.reprint_button.isEnabled() and dialog.gift_button.isEnabled()

    taps.tap(dialog.gift_button)
    assert dialog.runner.wait_idle()
    gift = dialog.preview_view.toPlainText()
    assert "GIFT RECEIPT" in gift and "Espresso" in gift
    assert dialog.vm.fmt.money(first.totals.total) not in gift
    assert "no receipt printer" in dialog.banner.text()  # said, not crashed
    taps.report()
    assert (taps.keys, taps.taps) == (len(number) + 1, 1)

    # operator and amount: both sales by 1001; only the first costs at least its total
    taps2 = Taps(qtbot, "journal search by operator + lowest amount")
    dialog.clear_criteria()
    taps2.type(dialog.operator, "1001")
    taps2.type(dialog.min_amount, f"{first.totals.total}", enter=True)
    assert dialog.runner.wait_idle()
    found = {dialog.results.item(r, 0).text() for r in range(dialog.results.rowCount())}
    assert number in found
    taps2.report()


def test_bad_criteria_are_refused_calmly(qtbot: QtBot, register: Register) -> None:
    dialog = JournalDialog(JournalViewModel(register.runtime))
    qtbot.addWidget(dialog)
    dialog.date_from.setText("yesterday-ish")
    dialog.search()
    assert dialog.runner.wait_idle()
    assert "is not a day" in dialog.banner.text() and dialog.results.rowCount() == 0
    dialog.date_from.clear()
    dialog.min_amount.setText("50")
    dialog.max_amount.setText("10")
    dialog.search()
    assert dialog.runner.wait_idle()
    assert "lowest amount is above the highest" in dialog.banner.text()
    dialog.min_amount.clear()
    dialog.max_amount.clear()
    dialog.receipt.setText("NOPE")
    dialog.search()
    assert dialog.runner.wait_idle()
    assert "Nothing matches" in dialog.banner.text()


def test_search_by_store_local_days(qtbot: QtBot, register: Register) -> None:
    import datetime as dt
    from zoneinfo import ZoneInfo

    sale = sell(register, ["espresso"]).transaction
    today = dt.datetime.now(ZoneInfo(register.runtime.store.timezone)).date()
    dialog = JournalDialog(JournalViewModel(register.runtime))
    qtbot.addWidget(dialog)
    taps = Taps(qtbot, "journal search by day range")
    taps.type(dialog.date_from, today.isoformat())
    taps.type(dialog.date_to, today.isoformat(), enter=True)
    assert dialog.runner.wait_idle()
    found = [dialog.results.item(r, 0).text() for r in range(dialog.results.rowCount())]
    assert sale.receipt_number in found
    taps.report()
    dialog.date_from.setText((today - dt.timedelta(days=9)).isoformat())
    dialog.date_to.setText((today - dt.timedelta(days=8)).isoformat())
    dialog.search()
    assert dialog.runner.wait_idle()
    assert dialog.results.rowCount() == 0 and "Nothing matches" in dialog.banner.text()
