"""The nexo terminal driver's settings, read from its `DeviceConfig` with clear messages.

`address` is a base URL ("http://10.0.0.7:8443/nexo") or a host with `port`; `timeout_s` bounds
connecting and every answer but a payment's. Options: `poi_id` (the terminal's POIID, default
"POI1"), `sale_id` (our SaleID, default the device id), `path` (default "/nexo"),
`payment_timeout_s` (how long a card holder may take, default `timeout_s`), `status_tries`
(status queries after a lost answer, default 3), `status_interval_s` (between them, default 0.5).
"""

from __future__ import annotations

from dataclasses import dataclass

from peripherals.config import DeviceConfig


@dataclass(frozen=True, slots=True)
class NexoSettings:
    url: str
    sale_id: str
    poi_id: str
    timeout_s: float
    payment_timeout_s: float
    status_tries: int
    status_interval_s: float

    @classmethod
    def from_config(cls, config: DeviceConfig) -> NexoSettings:
        """Read the device's config; a ValueError names the setting to fix."""
        address = config.address.strip()
        if not address:
            raise ValueError("set the terminal's address (a URL, or a host with a port)")
        path = config.option("path", "/nexo")
        if "://" in address:
            scheme, _, rest = address.partition("://")
            if scheme not in ("http", "https"):
                raise ValueError(f"the terminal's address must be http(s), not {scheme}")
            url = address if "/" in rest else address + path
        else:
            if config.port is None:
                raise ValueError(f"the terminal at {address} needs a port")
            url = f"http://{address}:{config.port}{path}"

        def number(name: str, default: float, low: float) -> float:
            raw = config.option(name, str(default))
            try:
                value = float(raw)
            except ValueError:
                raise ValueError(f"option {name} must be a number, not {raw!r}") from None
            if not value >= low:
                raise ValueError(f"option {name} must be at least {low}, not {raw!r}")
            return value

        return cls(
            url=url,
            sale_id=config.option("sale_id", config.device_id),
            poi_id=config.option("poi_id", "POI1"),
            timeout_s=config.timeout_s,
            payment_timeout_s=number("payment_timeout_s", config.timeout_s, 0.01),
            status_tries=int(number("status_tries", 3, 1)),
            status_interval_s=number("status_interval_s", 0.5, 0.0),
        )
