"""The transaction screen: customer area, the lines, totals, the entry field with its numeric
pad, quick/category/search tabs and the operation buttons (each with a keyboard shortcut).

Widgets only: `pos_app.ui.sale_actions` connects the buttons to the view model through the
register worker, so a self-checkout shell can lay the same actions out differently.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pos_app.ui.common import TaskRunner, touch_button
from pos_app.ui.i18n import tr
from pos_app.ui.lines_model import LinesModel
from pos_app.ui.numpad import NumPad
from pos_app.ui.search_panel import SearchPanel
from pos_app.ui.totals_panel import TotalsPanel
from pos_app.viewmodels.views import SaleSnapshot

# (key, label, shortcut, role): the operations, in the order of the button grid
OPERATIONS: tuple[tuple[str, str, str, str], ...] = (
    ("quantity", "Quantity", "F2", "secondary"),
    ("search", "Search", "F3", "secondary"),
    ("price_check", "Price check", "F4", "secondary"),
    ("void_line", "Void line", "F5", "danger"),
    ("line_discount", "Line discount", "F6", "secondary"),
    ("total_discount", "Total discount", "F7", "secondary"),
    ("price_override", "Price override", "F8", "secondary"),
    ("suspend", "Suspend", "F9", "secondary"),
    ("recall", "Recall", "F10", "secondary"),
    ("pay", "Pay", "F12", "primary"),
    ("why_price", "Why this price", "Ctrl+W", "secondary"),
    ("comment", "Comment", "Ctrl+K", "secondary"),
    ("coupon", "Coupon", "F11", "secondary"),
    ("customer", "Customer", "Ctrl+U", "secondary"),
    ("void_sale", "Void sale", "Ctrl+D", "danger"),
    ("no_sale", "No sale", "Ctrl+N", "secondary"),
    ("reprint", "Reprint", "Ctrl+R", "secondary"),
    ("gift_receipt", "Gift receipt", "Ctrl+G", "secondary"),
    ("lock", "Lock", "Ctrl+L", "secondary"),
    ("switch_operator", "Switch operator", "Ctrl+Shift+O", "secondary"),
)
GRID_COLUMNS = 10


class TransactionScreen(QWidget):
    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("transactionScreen")
        # customer area
        self.customer_area = QFrame()
        self.customer_area.setObjectName("customerArea")
        self.customer_label = QLabel(tr("No customer"))
        self.customer_label.setObjectName("customerLabel")
        self.coupon_label = QLabel("")
        self.coupon_label.setProperty("muted", True)
        self.multiplier_label = QLabel("")
        self.multiplier_label.setObjectName("multiplierLabel")
        customer_row = QHBoxLayout(self.customer_area)
        customer_row.setContentsMargins(10, 4, 10, 4)
        customer_row.addWidget(self.customer_label, 1)
        customer_row.addWidget(self.coupon_label)
        customer_row.addWidget(self.multiplier_label)
        self.menu_button = touch_button(tr("Menu"), name="menuButton")  # Ctrl+M, back office
        self.menu_button.setToolTip(tr("Shift and drawer, returns, journal, devices (Ctrl+M)"))
        self.menu_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        customer_row.addWidget(self.menu_button)
        # lines
        self.model = LinesModel()
        self.table = QTableView()
        self.table.setObjectName("linesTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(44)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, 5):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setWordWrap(True)
        self.empty_hint = QLabel(tr("Scan an item, key in its code, or pick it on the right."))
        self.empty_hint.setProperty("muted", True)
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        left = QVBoxLayout()
        left.addWidget(self.customer_area)
        left.addWidget(self.table, 1)
        left.addWidget(self.empty_hint)
        # right column
        self.totals = TotalsPanel()
        self.entry = QLineEdit()
        self.entry.setObjectName("entryField")
        self.entry.setPlaceholderText(tr("Code or amount"))
        self.pad = NumPad(self.entry, show_display=False)
        times = touch_button("×", role="numpad", name="key_times")
        times.setToolTip(tr("Quantity for the next item (*)"))
        times.setShortcut("*")
        self.times_button = times
        self.search = SearchPanel(runner)
        right = QVBoxLayout()
        right.addWidget(self.totals)
        entry_row = QHBoxLayout()
        entry_row.addWidget(self.entry, 1)
        entry_row.addWidget(times)
        right.addLayout(entry_row)
        self.pad.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.search.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Ignored)
        right.addWidget(self.pad)
        right.addWidget(self.search, 1)
        # operation buttons
        self.buttons: dict[str, QPushButton] = {}
        grid = QGridLayout()
        grid.setSpacing(6)
        for number, (key, label, shortcut, role) in enumerate(OPERATIONS):
            text = tr(label).replace(" ", "\n", 1) if len(tr(label)) > 9 else tr(label)
            kind = {"danger": "op-danger", "secondary": "op"}.get(role, role)
            button = touch_button(text, role=kind, shortcut=shortcut, name=f"op_{key}")
            button.setMinimumHeight(50)
            self.buttons[key] = button
            grid.addWidget(button, number // GRID_COLUMNS, number % GRID_COLUMNS)
        top = QHBoxLayout()
        top.addLayout(left, 3)
        top.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(top, 1)
        layout.addLayout(grid)

    def show_snapshot(self, snapshot: SaleSnapshot) -> None:
        grew = len(snapshot.lines) > self.model.rowCount()
        self.model.set_rows(snapshot.lines)
        self.totals.show_totals(snapshot.totals)
        self.empty_hint.setVisible(snapshot.empty)
        self.customer_label.setText(
            tr("Customer: ") + snapshot.customer if snapshot.customer else tr("No customer"))
        self.coupon_label.setText(
            tr("Coupons: ") + ", ".join(snapshot.coupons) if snapshot.coupons else "")
        if grew:
            last = self.model.rowCount() - 1
            self.table.selectionModel().setCurrentIndex(
                self.model.index(last, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
            self.table.scrollToBottom()

    def selected_line(self) -> str | None:
        """The selected line, or the last one when none is selected."""
        index = self.table.selectionModel().currentIndex()
        row = index.row() if index.isValid() else self.model.rowCount() - 1
        return self.model.line_id(row)

    def select_line(self, line_id: str) -> None:
        row = self.model.row_of(line_id)
        if row >= 0:
            self.table.selectRow(row)

    def focus_entry(self) -> None:
        self.entry.setFocus(Qt.FocusReason.OtherFocusReason)
