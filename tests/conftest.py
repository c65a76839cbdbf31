"""Suite-wide pytest setup.

Qt tests (pytest-qt) run headless: default to the offscreen platform unless the caller chose one.
"""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
