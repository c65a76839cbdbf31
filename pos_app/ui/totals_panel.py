"""Subtotal, discounts, tax, total and the balance due (big), from the view model's snapshot."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QWidget

from pos_app.ui.i18n import tr
from pos_app.viewmodels.views import TotalsView


class TotalsPanel(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("totalsPanel")
        grid = QGridLayout(self)
        grid.setContentsMargins(12, 8, 12, 8)
        self.values: dict[str, QLabel] = {}
        rows = (("subtotal", tr("Subtotal")), ("discounts", tr("Discounts")),
                ("tax", tr("Tax")), ("total", tr("Total")), ("paid", tr("Paid")),
                ("balance_due", tr("Balance due")))
        for number, (key, label) in enumerate(rows):
            name = QLabel(label)
            value = QLabel("")
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            value.setObjectName({"total": "totalDue", "balance_due": "balanceDue"}.get(key, key))
            grid.addWidget(name, number, 0)
            grid.addWidget(value, number, 1)
            self.values[key] = value
            if key in ("paid",):
                name.setProperty("muted", True)

    def show_totals(self, totals: TotalsView) -> None:
        for key, label in self.values.items():
            label.setText(getattr(totals, key))

    def text_of(self, key: str) -> str:
        return self.values[key].text()
