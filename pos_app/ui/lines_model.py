"""The sale's lines as a Qt table model: item, quantity, unit price, discounts, amount.

Why incremental updates: repainting a 100-line basket on every scan would cost more than the
scan itself, so a new snapshot is compared with the shown one and only appended or changed rows
are announced (an append is the common case).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from pos_app.ui.i18n import tr
from pos_app.viewmodels.views import LineRow

Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("Item", "Qty", "Unit price", "Discounts", "Amount")
_NUMERIC = {1, 2, 3, 4}


class LinesModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self._rows: list[LineRow] = []
        self._headers = [tr("Item"), tr("Qty"), tr("Unit price"), tr("Discounts"), tr("Amount")]
        self._strike = QFont()
        self._strike.setStrikeOut(True)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight if section in _NUMERIC
                       else Qt.AlignmentFlag.AlignLeft) | int(Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return f"{row.description}\n  {row.note}" if row.note else row.description
            return (row.description, row.quantity, row.unit_price, row.discounts,
                    row.amount)[column]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if column in _NUMERIC \
                else Qt.AlignmentFlag.AlignLeft
            return int(horizontal) | int(Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and row.voided:
            return self._strike
        if role == Qt.ItemDataRole.ToolTipRole:
            return tr("Voided") if row.voided else (row.note or None)
        if role == Qt.ItemDataRole.UserRole:
            return row.line_id
        return None

    # ---- updates --------------------------------------------------------------------------

    def rows(self) -> list[LineRow]:
        return list(self._rows)

    def line_id(self, row: int) -> str | None:
        return self._rows[row].line_id if 0 <= row < len(self._rows) else None

    def row_of(self, line_id: str) -> int:
        for number, row in enumerate(self._rows):
            if row.line_id == line_id:
                return number
        return -1

    def set_rows(self, rows: Sequence[LineRow]) -> None:
        """Show `rows`, announcing only what changed (appends and edits), else a reset."""
        new = list(rows)
        old = self._rows
        same_ids = len(new) >= len(old) and all(
            a.line_id == b.line_id for a, b in zip(old, new, strict=False)
        )
        if not same_ids:
            self.beginResetModel()
            self._rows = new
            self.endResetModel()
            return
        changed = [i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b]
        if len(new) > len(old):
            self.beginInsertRows(QModelIndex(), len(old), len(new) - 1)
            self._rows = old + new[len(old):]
            self.endInsertRows()
        for i in changed:
            self._rows[i] = new[i]
            self.dataChanged.emit(self.index(i, 0), self.index(i, len(COLUMNS) - 1))
