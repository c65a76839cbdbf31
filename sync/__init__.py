"""Register-side sync: wire protocol, client, scheduler, credentials (later issues)."""
