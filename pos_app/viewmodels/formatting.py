"""Locale-aware money, quantities and dates through babel, so a German register shows 1.234,50 €.

Why babel and not Qt's QLocale: the view models are Qt-free (a self-checkout shell reuses them)
and babel knows currency symbols and placement per locale.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_datetime, format_time
from babel.numbers import NumberFormatError, format_currency, format_decimal, parse_decimal


@dataclass(frozen=True)
class Formatter:
    """Formats for one locale and store currency."""

    locale: str = "en_US"
    currency: str = "EUR"

    @staticmethod
    def for_locale(locale: str, currency: str) -> Formatter:
        """A formatter; an unknown locale falls back to en_US instead of failing the till."""
        try:
            Locale.parse(locale)
        except (UnknownLocaleError, ValueError):
            locale = "en_US"
        return Formatter(locale, currency)

    def money(self, amount: Decimal) -> str:
        return _money(amount, self.currency, self.locale)

    def quantity(self, qty: Decimal) -> str:
        """A quantity without trailing zeros (2, 1.234), grouped per locale."""
        return _quantity(qty, self.locale)

    def percent(self, value: Decimal) -> str:
        return format_decimal(value, format="#,##0.##", locale=self.locale) + " %"

    def time(self, when: dt.datetime) -> str:
        return format_time(when, format="short", locale=self.locale)

    def datetime(self, when: dt.datetime) -> str:
        return format_datetime(when, format="short", locale=self.locale)

    def parse_amount(self, text: str) -> Decimal:
        """Text the cashier typed into an amount; ValueError with a message when it is not one.

        Accepts the locale's decimal separator and a plain "." (the numeric pad's)."""
        cleaned = text.strip().replace(" ", "")
        if not cleaned:
            raise ValueError("Enter an amount first.")
        try:
            value = Decimal(cleaned)
        except InvalidOperation:
            try:
                value = parse_decimal(cleaned, locale=self.locale, strict=False)
            except NumberFormatError:
                raise ValueError(f"{text!r} is not an amount.") from None
        if not value.is_finite():
            raise ValueError(f"{text!r} is not an amount.")
        return value


@lru_cache(maxsize=4096)
def _money(amount: Decimal, currency: str, locale: str) -> str:
    """Cached: a 100-line basket is reformatted on every scan, and babel is not free."""
    return format_currency(amount, currency, locale=locale)


@lru_cache(maxsize=1024)
def _quantity(qty: Decimal, locale: str) -> str:
    exponent = int(qty.normalize().as_tuple().exponent)
    places = max(0, -exponent)
    pattern = "#,##0." + "#" * places if places else "#,##0"
    return format_decimal(qty, format=pattern, locale=locale)
