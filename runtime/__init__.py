"""The commerce rules of a register: pure Python, no I/O; see ARCHITECTURE.md."""
