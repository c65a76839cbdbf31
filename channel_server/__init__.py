"""Channel server: FastAPI app, its own models and migrations, import tools (later issues)."""
