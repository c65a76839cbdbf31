"""The PySide6 cashier register (issue #7). Qt lives only here; view models are Qt-free."""
