"""Alembic environment of the channel server (its own migrations, separate from local_db's).

`channel_server.db.upgrade` passes an open connection in `config.attributes["connection"]`;
run from the command line, `sqlalchemy.url` in the config names the database.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from channel_server.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # type: ignore[attr-defined]
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        _run(conn)
        conn.commit()
    engine.dispose()
