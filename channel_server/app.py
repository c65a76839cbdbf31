"""The FastAPI application and how to serve it with uvicorn."""

from __future__ import annotations

import logging

from fastapi import FastAPI

from channel_server import api_realtime, api_sync
from channel_server.api_common import document_protocol_header
from channel_server.db import Database, describe, open_database
from channel_server.errors import install_handlers
from channel_server.middleware import CorrelationAndLimits
from sync.protocol import PROTOCOL_VERSION

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8470
log = logging.getLogger("channel_server")


def create_app(db: Database) -> FastAPI:
    """The app over an open, migrated database (the caller disposes of it)."""
    app = FastAPI(
        title="Tillpoint channel server",
        version=f"protocol {PROTOCOL_VERSION}",
        description="Master data down, transactions up, real-time lookups; "
        "see docs/sync-protocol.md.",
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.db = db
    install_handlers(app)
    app.include_router(api_sync.router)
    app.include_router(api_realtime.router)
    document_protocol_header(app)
    app.add_middleware(CorrelationAndLimits)
    return app


def serve(db_url: str | None, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> None:
    """`tillpoint server run`: migrate, then serve until interrupted."""
    import uvicorn

    db = open_database(db_url)
    try:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
        log.info("channel server on http://%s:%s, database %s", host, port, describe(db.url))
        uvicorn.run(create_app(db), host=host, port=port, log_level="info")
    finally:
        db.dispose()
