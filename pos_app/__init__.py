"""Register desktop app: Qt widgets, view models and the composition root (later issues)."""
