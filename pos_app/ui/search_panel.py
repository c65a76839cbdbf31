"""Finding items without a barcode: quick buttons, category browse and search as you type.

Searches run on the runner's background pool (FTS5 under the database's lock), debounced, and
only the answer to the newest text is shown, so typing never waits on the database.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from pos_app.ui.common import TaskRunner, touch_button
from pos_app.ui.i18n import tr

if TYPE_CHECKING:
    from pos_app.viewmodels.sale import SaleViewModel
    from runtime.ports import ProductSummary

DEBOUNCE_MS = 120


class SearchPanel(QTabWidget):
    """`picked(item_id)` when the cashier chooses an item in any tab."""

    picked = Signal(str)
    results_shown = Signal(int)  # how many results the newest search showed

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchPanel")
        self.runner = runner
        self.vm: SaleViewModel | None = None
        self._seq = 0
        # quick buttons
        self.quick = QScrollArea()
        self.quick.setWidgetResizable(True)
        self.quick.setFrameShape(QFrame.Shape.NoFrame)
        quick_body = QWidget()
        self.quick.setWidget(quick_body)
        self.quick_grid = QGridLayout(quick_body)
        self.quick_grid.setSpacing(6)
        # categories
        browse = QWidget()
        self.categories = QListWidget()
        self.categories.setObjectName("categoryList")
        self.category_items = QListWidget()
        self.category_items.setObjectName("categoryItems")
        row = QHBoxLayout(browse)
        row.addWidget(self.categories, 2)
        row.addWidget(self.category_items, 3)
        self.categories.currentItemChanged.connect(self._category_chosen)
        self.category_items.itemActivated.connect(self._item_activated)
        self.category_items.itemClicked.connect(self._item_activated)
        # search
        search = QWidget()
        self.field = QLineEdit()
        self.field.setObjectName("searchField")
        self.field.setPlaceholderText(tr("Type part of a name…"))
        self.field.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setObjectName("searchResults")
        column = QVBoxLayout(search)
        column.addWidget(self.field)
        column.addWidget(self.results)
        self.results.itemActivated.connect(self._item_activated)
        self.results.itemClicked.connect(self._item_activated)
        self.field.returnPressed.connect(self._pick_first)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._search)
        self.field.textChanged.connect(lambda _t: self._timer.start())
        self.addTab(self.quick, tr("Quick"))
        self.addTab(browse, tr("Categories"))
        self.addTab(search, tr("Search"))

    def attach(self, vm: SaleViewModel) -> None:
        """Load quick buttons and categories (on the background pool) once the register is open."""
        self.vm = vm
        self.runner.background(lambda: (vm.quick_items(), vm.categories()), self._loaded)

    def _loaded(self, answer: tuple[list[ProductSummary], list[tuple[str, str]]]) -> None:
        quick, categories = answer
        while self.quick_grid.count():
            item = self.quick_grid.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()  # type: ignore[union-attr]
        for number, product in enumerate(quick):
            label = "\n".join(textwrap.wrap(product.name, 14)[:2])
            button = touch_button(label, role="quick",
                                  on_click=lambda p=product.item_id: self.picked.emit(p),
                                  name=f"quick_{product.item_id}")
            self.quick_grid.addWidget(button, number // 3, number % 3)
        self.categories.clear()
        for category_id, name in categories:
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, category_id)
            self.categories.addItem(item)

    def focus_search(self) -> None:
        self.setCurrentIndex(2)
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()

    def _search(self) -> None:
        vm = self.vm
        text = self.field.text().strip()
        self._seq += 1
        seq = self._seq
        if vm is None or len(text) < 2:
            self._show(self.results, [], seq)
            return
        self.runner.background(lambda: vm.search(text), lambda found: self._show(
            self.results, found, seq))

    def _show(self, target: QListWidget, found: Sequence[ProductSummary], seq: int) -> None:
        if target is self.results and seq != self._seq:
            return  # an older search answered late: the cashier has typed on
        target.clear()
        fmt = self.vm.fmt if self.vm is not None else None
        for product in found:
            price = fmt.money(product.base_price) if fmt is not None else str(product.base_price)
            item = QListWidgetItem(f"{product.name}   {price}")
            item.setData(Qt.ItemDataRole.UserRole, product.variant_id or product.item_id)
            target.addItem(item)
        if target is self.results:
            self.results_shown.emit(len(found))

    def _category_chosen(self, current: QListWidgetItem | None, _previous: object) -> None:
        vm = self.vm
        if current is None or vm is None:
            return
        category_id = str(current.data(Qt.ItemDataRole.UserRole))
        self.runner.background(lambda: vm.products_in(category_id),
                               lambda found: self._show(self.category_items, found, 0))

    def _item_activated(self, item: QListWidgetItem) -> None:
        self.picked.emit(str(item.data(Qt.ItemDataRole.UserRole)))

    def _pick_first(self) -> None:
        if self.results.count():
            self._item_activated(self.results.item(0))
