"""The import files and their columns (docs/import-format.md is the readable version).

Column names are the field names of the change-log entities (docs/master-data.md), so most
rows become an entity's `data` as they are. Products are the exception: products, variants,
barcodes and prices are four files joined into one `product` entity.
"""

from __future__ import annotations

from channel_server.importer_format import Col, FileSpec

_NONNEG = 0
ROUNDING = ("normal", "up", "down")


def _flags(*names: str) -> tuple[Col, ...]:
    return tuple(Col(n, "bool") for n in names)


TAX_CODES = FileSpec(
    "tax_codes",
    (Col("code", "id", True), Col("name", "text", True), Col("rate", "dec", True, low=_NONNEG)),
    ("code",),
)
TAX_GROUPS = FileSpec(
    "tax_groups",
    (Col("group_id", "id", True), Col("name", "text", True), Col("codes", "list")),
    ("group_id",),
)
UNITS = FileSpec(
    "units",
    (Col("code", "id", True), Col("name", "text", True), Col("decimals", "int", low=0, high=6)),
    ("code",),
)
UNIT_CONVERSIONS = FileSpec(
    "unit_conversions",
    (
        Col("from_unit", "id", True),
        Col("to_unit", "id", True),
        Col("factor", "dec", True, low=_NONNEG),
        Col("item_id", "id"),
    ),
    ("from_unit", "to_unit", "item_id"),
)
CATEGORIES = FileSpec(
    "categories",
    (Col("category_id", "id", True), Col("name", "text", True), Col("parent_id", "id")),
    ("category_id",),
)
PERMISSION_GROUPS = FileSpec(
    "permission_groups",
    (
        Col("group_id", "id", True),
        Col("name", "text", True),
        *_flags(
            "manager", "void", "suspend", "price_override", "no_sale", "xz_reports",
            "declarations", "drawer_operations", "blind_close", "return_with_receipt",
            "return_without_receipt", "refund_card_to_cash", "tax_exempt",
        ),
        Col("max_line_discount_percent", "dec", low=_NONNEG),
        Col("max_line_discount_amount", "dec", low=_NONNEG),
        Col("max_total_discount_percent", "dec", low=_NONNEG),
        Col("max_total_discount_amount", "dec", low=_NONNEG),
        Col("extra", "json"),
    ),
    ("group_id",),
)  # fmt: skip
STORES = FileSpec(
    "stores",
    (
        Col("store_id", "id", True),
        Col("name", "text", True),
        Col("currency_code", "id", True),
        Col("currency_decimals", "int", low=0, high=4),
        Col("currency_rounding", choices=ROUNDING),
        Col("currency_symbol"),
        Col("prices_include_tax", "bool"),
        Col("tax_rounding", choices=("per_line", "per_total")),
        Col("store_tax_group", "id"),
        Col("cash_rounding", "dec", low=_NONNEG),
        Col("cash_rounding_mode", choices=ROUNDING),
        Col("timezone"),
        Col("address_lines", "list"),
        Col("receipt_footer", "list"),
        Col("max_line_quantity", "dec", low=_NONNEG),
        Col("max_weight", "dec", low=_NONNEG),
    ),
    ("store_id",),
)
STORE_SETTINGS = FileSpec(
    "store_settings",
    (
        Col("store_id", "id", True),
        Col("max_failed_signins", "int", low=1, high=100),
        Col("lockout_minutes", "int", low=0, high=10080),
        Col("min_secret_length", "int", low=1, high=64),
        Col("require_start_amount_and_declaration", "bool"),
        Col("return_days", "int", low=0, high=3650),
    ),
    ("store_id",),
)
REGISTERS = FileSpec(
    "registers",
    (
        Col("register_id", "id", True),
        Col("store_id", "id", True),
        Col("name"),
        Col("receipt_mask", "text", True),
        Col("self_checkout", "bool"),
        Col("hardware_profile_id", "id"),
        Col("shift_model", choices=("fixed", "floating", "shared")),
    ),
    ("store_id", "register_id"),
)
TENDER_TYPES = FileSpec(
    "tender_types",
    (
        Col("store_id", "id", True),
        Col("tender_type_id", "id", True),
        Col("name", "text", True),
        Col("kind", "text", True, choices=("cash", "card", "check", "foreign_currency")),
        Col("gives_change", "bool"),
        Col("min_amount", "dec", low=_NONNEG),
        Col("max_amount", "dec", low=_NONNEG),
        Col("cash_rounding", "dec", low=_NONNEG),
        Col("currency", "id"),
        Col("opens_drawer", "bool"),
        Col("position", "int", low=0),
    ),
    ("store_id", "tender_type_id"),
)
EXCHANGE_RATES = FileSpec(
    "exchange_rates",
    (
        Col("store_id", "id", True),
        Col("currency_code", "id", True),
        Col("decimals", "int", low=0, high=4),
        Col("rounding", choices=ROUNDING),
        Col("symbol"),
        Col("rate", "dec", True, low=_NONNEG),
    ),
    ("store_id", "currency_code"),
)
REASON_CODES = FileSpec(
    "reason_codes",
    (
        Col("store_id", "id", True),
        Col("code", "id", True),
        Col("kind", "text", True, choices=("pay_in", "pay_out", "return", "no_sale", "void")),
        Col("name", "text", True),
        Col("account"),
    ),
    ("store_id", "code"),
)
DENOMINATIONS = FileSpec(
    "denominations",
    (
        Col("currency", "id", True),
        Col("value", "dec", True, low=_NONNEG),
        Col("kind", "text", True, choices=("note", "coin", "roll")),
        Col("name"),
    ),
    ("currency", "value"),
)
PRODUCTS = FileSpec(
    "products",
    (
        Col("item_id", "id", True),
        Col("name", "text", True),
        Col("description"),
        Col("category_id", "id"),
        Col("item_tax_group", "id"),
        Col("base_price", "dec", True, low=_NONNEG),
        Col("sales_unit", "id"),
        *_flags("weighed", "keyed_in_price"),
        Col("min_age", "int", low=0, high=99),
        *_flags(
            "blocked_at_self_checkout", "not_returnable", "serial_required", "blocked_for_sale",
            "inactive",
        ),
    ),
    ("item_id",),
)  # fmt: skip
VARIANTS = FileSpec(
    "variants",
    (
        Col("item_id", "id", True),
        Col("variant_id", "id", True),
        Col("dimensions", "dims", True),
        Col("base_price", "dec", low=_NONNEG),
        Col("position", "int", low=0),
    ),
    ("variant_id",),
)
BARCODES = FileSpec(
    "barcodes",
    (
        Col("code", "id", True),
        Col("item_id", "id", True),
        Col("variant_id", "id"),
        Col("unit", "id"),
        Col("quantity", "dec", low=_NONNEG),
    ),
    ("code",),
)
PRICES = FileSpec(
    "prices",
    (
        Col("item_id", "id", True),
        Col("price", "dec", True, low=_NONNEG),
        Col("valid_from", "date", True),
        Col("valid_to", "date"),
    ),
    ("item_id", "valid_from", "price"),
)
STAFF = FileSpec(
    "staff",
    (
        Col("operator_id", "id", True),
        Col("name", "text", True),
        Col("active", "bool"),
        Col("group_id", "id", True),
        Col("secret_hash"),
        Col("badge_digest"),
        Col("must_change_secret", "bool"),
    ),
    ("operator_id",),
)
CUSTOMERS = FileSpec(
    "customers",
    (
        Col("customer_id", "id", True),
        Col("name", "text", True),
        Col("email"),
        Col("phone"),
        Col("price_groups", "list"),
        Col("loyalty_tier"),
        Col("tax_exempt", "bool"),
        Col("blocked", "bool"),
    ),
    ("customer_id",),
)
STOCK = FileSpec(
    "stock",
    (Col("store_id", "id", True), Col("item_id", "id", True), Col("quantity", "dec", True)),
    ("store_id", "item_id"),
)
HARDWARE_PROFILES = FileSpec(
    "hardware_profiles",
    (
        Col("profile_id", "id", True),
        Col("name"),
        Col("barcode_layouts", "json"),
        Col("devices", "json"),
    ),
    ("profile_id",),
    csv=False,
)
HARDWARE_DEVICE = FileSpec(
    "devices",
    (
        Col("device_id", "id", True),
        Col("position", "int", low=0),
        Col(
            "category",
            "text",
            True,
            choices=(
                "receipt_printer", "cash_drawer", "scanner", "scale", "line_display",
                "payment_terminal",
            ),
        ),
        Col("driver", "text", True),
        Col("transport", choices=("network", "serial", "usb", "file", "keyboard", "none")),
        Col("address"),
        Col("port", "int", low=1, high=65535),
        Col("baudrate", "int", low=1),
        Col("bytesize", "int", low=5, high=8),
        Col("parity", choices=("N", "E", "O", "M", "S")),
        Col("stopbits", "int", low=1, high=2),
        Col("code_page"),
        Col("paper_width_mm", "int", low=20, high=120),
        Col("drawer_pin", "int", low=2, high=5),
        Col("scanner_suffix"),
        Col("timeout_s", "dec", low=_NONNEG),
        Col("options", "json"),
    ),
    ("device_id",),
    csv=False,
)  # fmt: skip
RECEIPT_PROFILES = FileSpec(
    "receipt_profiles",
    (
        Col("profile_id", "id", True),
        Col("name"),
        Col("paper_width_mm", "int", low=20, high=120),
        Col("columns", "int", low=8, high=200),
        Col("dots", "int", low=1, high=4096),
        Col("code_page"),
        Col("escpos_profile"),
        Col("print_barcode", "bool"),
        Col("print_qr", "bool"),
        Col("qr_size", "int", low=1, high=16),
        Col("cut", "bool"),
        Col("logo"),
        Col("header_lines", "list"),
        Col("footer_lines", "list"),
    ),
    ("profile_id",),
    csv=False,
)

# Pricing documents: JSON lists of documents in the scenario format (docs/pricing-scenarios.md,
# "Pricing documents"); file name -> change-log entity. Checked by the register's own parser.
PRICING_FILES = {
    "price_groups": "price_group",
    "item_price_groups": "item_price_group",
    "trade_agreements": "trade_agreement",
    "price_adjustments": "price_adjustment",
    "discounts": "discount",
    "coupons": "coupon",
    "tender_discounts": "tender_discount",
}

# file -> change-log entity, for the files that map one row to one entity
SIMPLE = {
    TAX_CODES: "tax_code",
    TAX_GROUPS: "tax_group",
    UNITS: "unit",
    UNIT_CONVERSIONS: "unit_conversion",
    CATEGORIES: "category",
    PERMISSION_GROUPS: "permission_group",
    STORES: "store",
    STORE_SETTINGS: "store_settings",
    REGISTERS: "register",
    TENDER_TYPES: "tender_type",
    EXCHANGE_RATES: "exchange_rate",
    REASON_CODES: "reason_code",
    DENOMINATIONS: "denomination",
    STAFF: "staff",
    CUSTOMERS: "customer",
    HARDWARE_PROFILES: "hardware_profile",
    RECEIPT_PROFILES: "receipt_profile",
}
PRODUCT_PARTS = (VARIANTS, BARCODES, PRICES)

# Entities that go only to their own store's log (their data names the store).
STORE_SCOPED = frozenset(
    {"store", "store_settings", "register", "tender_type", "exchange_rate", "reason_code"}
)
# Entities an import never deletes by leaving them out: customers are also created at the
# registers (`POST /v1/customers`), so no headquarters file is ever the whole list.
NEVER_DELETED = frozenset({"customer"})

# Parents before children: the order upserts are recorded in (deletes go in reverse).
ORDER = (
    "tax_code", "tax_group", "unit", "category", "permission_group", "hardware_profile",
    "receipt_profile", "store", "store_settings", "exchange_rate", "register", "tender_type",
    "reason_code", "denomination", "product", "unit_conversion", "staff", "customer",
    "price_group", "item_price_group", "trade_agreement", "price_adjustment", "discount",
    "coupon", "tender_discount",
)  # fmt: skip
CHAIN_WIDE = tuple(e for e in ORDER if e not in STORE_SCOPED)
