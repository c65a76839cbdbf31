"""Device layer (HAL): device model, drivers, virtual devices, receipt rendering (later issues)."""
