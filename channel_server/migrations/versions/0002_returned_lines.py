"""Channel server schema 2: the return index (`returned_lines`), filled from received sales.

`GET /v1/returns` used to read the stored payloads of every sale received since the original;
it now reads this table, which ingest writes with each return sale. The upgrade fills it from
the sales already received (the same rows ingest would have written: `ingest_rules.
returned_rows`), so an upgraded server answers as before. Only payloads that mention
`return_of` are read (the canonical JSON leaves the field out of ordinary lines), in pages.

Revision ID: cs0002
Revises: cs0001
Create Date: 2026-12-05
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from channel_server import ingest_rules
from channel_server.models import LongDecimalText, UtcDateTime
from runtime.codec import transaction_from_dict

revision = "cs0002"
down_revision = "cs0001"
branch_labels = None
depends_on = None

UTC = sa.String(40).with_variant(postgresql.TIMESTAMP(timezone=True), "postgresql")
ID = sa.String(64)
_PAGE = 1000

_transactions = sa.table(
    "transactions",
    sa.column("transaction_id", ID),
    sa.column("store_id", ID),
    sa.column("register_id", ID),
    sa.column("device_id", ID),
    sa.column("device_seq", sa.BigInteger),
    sa.column("kind", sa.String(48)),
    sa.column("received_at", UtcDateTime()),
)
_returned = sa.table(  # with the models' bind types: values exactly as ingest writes them
    "returned_lines",
    sa.column("return_transaction_id", ID),
    sa.column("return_line_id", sa.String(200)),
    sa.column("original_transaction_id", ID),
    sa.column("original_line_id", sa.String(200)),
    sa.column("quantity", LongDecimalText()),
    sa.column("store_id", ID),
    sa.column("register_id", ID),
    sa.column("received_at", UtcDateTime()),
)
_received = sa.table(
    "received_items",
    sa.column("device_id", ID),
    sa.column("device_seq", sa.BigInteger),
    sa.column("payload", sa.Text),
)


def upgrade() -> None:
    op.create_table(
        "returned_lines",
        sa.Column("return_transaction_id", ID, primary_key=True),
        sa.Column("return_line_id", sa.String(200), primary_key=True),
        sa.Column("original_transaction_id", ID, nullable=False),
        sa.Column("original_line_id", sa.String(200), nullable=False),
        sa.Column("quantity", sa.Text, nullable=False),
        sa.Column("store_id", ID, nullable=False),
        sa.Column("register_id", ID, nullable=False),
        sa.Column("received_at", UTC, nullable=False),
    )
    op.create_index("ix_returned_lines_original", "returned_lines", ["original_transaction_id"])
    _backfill(op.get_bind())


def _backfill(conn: sa.Connection) -> None:
    """Index rows for every received sale with return lines, a page of sales at a time
    (keyset on transaction_id, so memory stays flat on a large database)."""
    after = ""
    t, r = _transactions.c, _received.c
    while True:
        page = conn.execute(
            sa.select(t.transaction_id, t.store_id, t.register_id, t.received_at, r.payload)
            .join(
                _received,
                (r.device_id == t.device_id) & (r.device_seq == t.device_seq),
            )
            .where(
                t.kind == "sale",
                t.transaction_id > after,
                r.payload.like("%return_of%"),
            )
            .order_by(t.transaction_id)
            .limit(_PAGE)
        ).all()
        if not page:
            return
        rows: list[dict[str, Any]] = []
        for _, store_id, register_id, received_at, payload in page:
            data = ingest_rules.payload_object(payload)
            if data is not None:  # an applied sale always parses (it did at ingest)
                tx = transaction_from_dict(data)
                rows += ingest_rules.returned_rows(tx, store_id, register_id, received_at)
        if rows:
            conn.execute(sa.insert(_returned), rows)
        after = page[-1][0]


def downgrade() -> None:
    op.drop_index("ix_returned_lines_original", table_name="returned_lines")
    op.drop_table("returned_lines")
