"""Alembic environment, driven programmatically by `local_db.migrate` (no alembic.ini).

`local_db.migrate` passes an open SQLAlchemy connection in `config.attributes["connection"]`;
the command line (`alembic -x db=PATH ...`, for writing new revisions) gets one made from the
`sqlalchemy.url` option or the `db` x-argument.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool
from sqlalchemy.engine import Connection

from local_db.schema import Base

config = context.config
target_metadata = Base.metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite alters tables by copy-and-move
        transactional_ddl=True,  # SQLite DDL is transactional: a migration applies whole or not
    )
    with context.begin_transaction():
        context.run_migrations()


def _url() -> str:
    db = context.get_x_argument(as_dictionary=True).get("db")
    if db:
        return f"sqlite:///{db}"
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database: pass -x db=PATH or set sqlalchemy.url")
    return url


def run_offline() -> None:
    context.configure(
        url=_url(), target_metadata=target_metadata, literal_binds=True, render_as_batch=True
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        return
    engine = create_engine(_url(), poolclass=pool.NullPool)
    with engine.connect() as conn:
        _configure(conn)


if context.is_offline_mode():
    run_offline()
else:
    run_online()
