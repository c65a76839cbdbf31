"""Suite-wide pytest setup.

Qt tests (pytest-qt) run headless: default to the offscreen platform unless the caller chose one.
A small seeded store (real SQLite file) is built once per session and copied by tests that
write to it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SMALL_STORE_PRODUCTS = 2_000


@pytest.fixture(scope="session")
def seeded_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A read-only template: copy it (shutil.copy) before writing."""
    from local_db import seed_store

    path = tmp_path_factory.mktemp("store") / "seeded.db"
    seed_store(path, products=SMALL_STORE_PRODUCTS)
    return path
