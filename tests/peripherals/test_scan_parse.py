"""Scanned codes read by `parse_scan`: EAN/UPC, GS1-128 and DataBar element strings, AIM
identifiers, in-store price/weight codes, and garbage (which never raises)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from biip.checksums import gs1_standard_check_digit

from peripherals.scan_parse import ScanKind, Symbology, parse_scan
from peripherals.scan_parse_layouts import BarcodeLayout, ValueKind, encode_in_store

GS = "\x1d"


def with_check(body: str) -> str:
    return body + str(gs1_standard_check_digit(body))


WEIGHT_21 = BarcodeLayout("weight 21", "21", 5, ValueKind.WEIGHT, 5, 3)
PRICE_02 = BarcodeLayout("price 02", "02", 5, ValueKind.PRICE, 5, 2)
PRICE_23_CHECKED = BarcodeLayout("price 23", "23", 4, ValueKind.PRICE, 5, 2, price_check_digit=True)
UPC_PRICE_2 = BarcodeLayout("upc price 2", "2", 5, ValueKind.PRICE, 5, 2, length=12)
STORE = (WEIGHT_21, PRICE_02, PRICE_23_CHECKED)


# ---------------------------------------------------------------------------- EAN / UPC
@pytest.mark.parametrize(
    ("raw", "symbology", "lookup"),
    [
        ("5901234123457", Symbology.EAN_13, ("5901234123457",)),
        ("4006381333931", Symbology.EAN_13, ("4006381333931",)),
        ("9780201379624", Symbology.EAN_13, ("9780201379624",)),  # an ISBN is an EAN-13
        ("96385074", Symbology.EAN_8, ("0000096385074", "96385074")),
        ("73513537", Symbology.EAN_8, ("0000073513537", "73513537")),
        ("036000291452", Symbology.UPC_A, ("0036000291452", "036000291452")),
        ("0036000291452", Symbology.UPC_A, ("0036000291452",)),  # UPC-A sent as 13 digits
        ("04252614", Symbology.UPC_E, ("0042100005264", "042100005264", "04252614")),
        ("01234565", Symbology.UPC_E, ("0012345000065", "012345000065", "01234565")),
        ("10614141000415", Symbology.UNKNOWN, ("10614141000415",)),  # GTIN-14, a case
        ("00614141000418", Symbology.UNKNOWN, ("0614141000418", "00614141000418")),
    ],
)
def test_valid_ean_upc_codes_give_their_lookup_codes(
    raw: str, symbology: Symbology, lookup: tuple[str, ...]
) -> None:
    result = parse_scan(raw)
    assert result.ok, result.errors
    assert result.kind is ScanKind.GTIN
    assert result.symbology is symbology
    assert result.lookup_codes == lookup
    assert result.lookup_code == lookup[0]
    assert result.gtin == lookup[0]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("5901234123458", "check digit 8 is wrong for EAN-13 5901234123458 (expected 7)"),
        ("96385075", "check digit 5 is wrong for EAN-8 96385075 (expected 4)"),
        ("036000291453", "check digit 3 is wrong for UPC-A 036000291453 (expected 2)"),
        ("10614141000416", "check digit 6 is wrong for 14-digit GTIN 10614141000416"),
    ],
)
def test_a_wrong_check_digit_is_refused_with_the_expected_digit(raw: str, expected: str) -> None:
    result = parse_scan(raw)
    assert not result.ok
    assert result.kind is ScanKind.INVALID
    assert result.lookup_code is None
    assert expected in result.message
    assert "scan it again or key the code in" in result.message


# ---------------------------------------------------------------------------- AIM identifiers
@pytest.mark.parametrize(
    ("raw", "symbology", "aim", "lookup"),
    [
        ("]E05901234123457", Symbology.EAN_13, "]E0", "5901234123457"),
        ("]E00036000291452", Symbology.UPC_A, "]E0", "0036000291452"),
        ("]E496385074", Symbology.EAN_8, "]E4", "0000096385074"),
        ("]E00425261", Symbology.UPC_E, "]E0", "0042100005264"),  # UPC-E without check digit
        ("]E004252614", Symbology.UPC_E, "]E0", "0042100005264"),
        ("]A0ABC-123", Symbology.CODE_39, "]A0", "ABC-123"),
        ("]C0INTERNAL42", Symbology.CODE_128, "]C0", "INTERNAL42"),
        ("]C05901234123457", Symbology.CODE_128, "]C0", "5901234123457"),
        ("]Q1hello", Symbology.QR, "]Q1", "hello"),
    ],
)
def test_aim_prefixes_are_stripped_and_name_the_symbology(
    raw: str, symbology: Symbology, aim: str, lookup: str
) -> None:
    result = parse_scan(raw)
    assert result.ok, result.errors
    assert (result.symbology, result.aim_id, result.lookup_code) == (symbology, aim, lookup)


def test_ean13_with_add_on_keeps_the_add_on_apart() -> None:
    result = parse_scan("]E3590123412345712")
    assert result.ok
    assert (result.gtin, result.add_on) == ("5901234123457", "12")


def test_ean8_under_its_own_aim_id_is_never_read_as_upc_e() -> None:
    # 01234565 is valid both as EAN-8 and as UPC-E; ]E4 settles it
    assert parse_scan("]E401234565").symbology is Symbology.EAN_8
    assert parse_scan("]E401234565").lookup_code == "0000001234565"
    assert parse_scan("01234565").symbology is Symbology.UPC_E


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("]E0ABC", "EAN-13 carries digits only"),
        ("]E0", "the scanner sent ]E0 with no code"),
        ("]", "is not an AIM symbology identifier"),
        ("]9x12345", "is not an AIM symbology identifier"),
        ("]E459012341", "EAN-8"),  # EAN-8 identifier with 10 digits
    ],
)
def test_bad_aim_scans_say_what_is_wrong(raw: str, expected: str) -> None:
    result = parse_scan(raw)
    assert result.kind is ScanKind.INVALID
    assert expected in result.message


# ---------------------------------------------------------------------------- GS1
def test_gs1_128_with_gtin_batch_expiry_and_net_weight() -> None:
    raw = "]C1" + "0109501101020917" + "17251231" + "3103001250" + "10ABC123" + GS + "21S42"
    result = parse_scan(raw)
    assert result.ok, result.errors
    assert result.kind is ScanKind.GS1
    assert result.symbology is Symbology.GS1_128
    assert result.gtin == "9501101020917"
    assert result.lookup_codes == ("9501101020917",)
    assert result.batch == "ABC123"
    assert result.serial == "S42"
    assert result.expiry == date(2025, 12, 31)
    assert result.weight == Decimal("1.250")
    assert result.weight_unit == "kg"
    assert result.is_expired(date(2026, 1, 1))
    assert not result.is_expired(date(2025, 12, 31))


def test_gs1_databar_omnidirectional_and_expanded() -> None:
    plain = parse_scan("]e00109501101020917")
    assert plain.ok and plain.symbology is Symbology.GS1_DATABAR
    assert plain.gtin == "9501101020917"
    variable = with_check("9950110102091")  # GTIN-14 with indicator 9: a variable measure item
    expanded = parse_scan(f"]e001{variable}3103000755" + "15260630" + "3922000499")
    assert expanded.ok, expanded.errors
    assert expanded.gtin == variable
    assert expanded.weight == Decimal("0.755")
    assert expanded.best_before == date(2026, 6, 30)
    assert expanded.price == Decimal("4.99")


def test_gs1_without_aim_is_recognised_by_its_separator_or_length() -> None:
    with_gs = parse_scan("0109501101020917" + "10LOT7" + GS + "17260101")
    assert with_gs.ok and with_gs.batch == "LOT7" and with_gs.expiry == date(2026, 1, 1)
    assert with_gs.symbology is Symbology.UNKNOWN
    long_digits = parse_scan("0109501101020917" + "3202000150")
    assert long_digits.ok and long_digits.weight == Decimal("1.50")
    assert long_digits.weight_unit == "lb"


def test_gs1_human_readable_form_is_read_too() -> None:
    result = parse_scan("(01)09501101020917(17)251231(10)ABC")
    assert result.ok
    assert (result.gtin, result.batch) == ("9501101020917", "ABC")
    assert result.expiry == date(2025, 12, 31)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("]C10109501101020918", "the GTIN (01) 09501101020918 is wrong"),
        ("]C1010950110102091717251341", "the value of AI (17) does not have the format"),
        ("]C1400123", "carries no GTIN (AI 01)"),
        ("]C199", "is not a valid GS1 code"),
        ("]e0" + "01095011010209", "is not a valid GS1 code"),  # GTIN cut short
        ("1234567890123456789", "is not a valid GS1 code"),  # long digits, no AI structure
    ],
)
def test_bad_gs1_codes_are_refused_with_a_reason(raw: str, expected: str) -> None:
    result = parse_scan(raw)
    assert result.kind is ScanKind.INVALID
    assert expected in result.message
    assert "regular" not in result.message and "^" not in result.message


# ---------------------------------------------------------------------------- in-store codes
def test_weight_code_gives_item_and_weight() -> None:
    code = encode_in_store(WEIGHT_21, "21", "01234", Decimal("1.250"))
    assert code == with_check("210123401250")
    result = parse_scan(code, STORE)
    assert result.ok
    assert result.kind is ScanKind.IN_STORE
    assert result.layout == "weight 21"
    assert result.item_code == "01234"
    assert result.weight == Decimal("1.250") and result.weight_unit == "kg"
    assert result.price is None
    assert result.gtin == with_check("210123400000")  # value zeroed: the catalogue's code
    assert result.lookup_codes == (with_check("210123400000"), "01234")


def test_price_code_gives_item_and_price() -> None:
    code = with_check("020004200499")
    result = parse_scan(code, STORE)
    assert result.ok, result.errors
    assert (result.item_code, result.price, result.weight) == ("00042", Decimal("4.99"), None)


def test_price_check_digit_is_verified() -> None:
    good = encode_in_store(PRICE_23_CHECKED, "23", "1234", Decimal("12.34"))
    result = parse_scan(good, STORE)
    assert result.ok and result.price == Decimal("12.34") and result.item_code == "1234"
    body = good[:6] + str((int(good[6]) + 1) % 10) + good[7:12]  # wrong price check digit
    bad = parse_scan(with_check(body), STORE)
    assert bad.kind is ScanKind.INVALID
    assert "price check digit" in bad.message and "price 23" in bad.message


def test_upc_a_in_store_code_sent_as_13_digits_still_matches_the_12_digit_layout() -> None:
    code12 = with_check("21234501999")
    for sent in (code12, "0" + code12):
        result = parse_scan(sent, (WEIGHT_21, UPC_PRICE_2))
        assert result.ok, result.errors
        assert (result.layout, result.item_code, result.price) == (
            "upc price 2",
            "12345",
            Decimal("19.99"),
        )


def test_in_store_prefix_without_a_layout_is_a_plain_gtin() -> None:
    code = with_check("290123401250")
    assert parse_scan(code, (*STORE, UPC_PRICE_2)).kind is ScanKind.GTIN
    assert parse_scan(code).kind is ScanKind.GTIN  # no layouts at all
    assert parse_scan(encode_in_store(WEIGHT_21, "21", "01234", Decimal("1")), ()).weight is None


def test_damaged_in_store_code_is_refused_before_its_value_is_trusted() -> None:
    code = encode_in_store(WEIGHT_21, "21", "01234", Decimal("1.250"))
    damaged = code[:-1] + str((int(code[-1]) + 1) % 10)
    result = parse_scan(damaged, STORE)
    assert result.kind is ScanKind.INVALID and result.weight is None


# ---------------------------------------------------------------------------- other codes
@pytest.mark.parametrize("raw", ["4011", "ABC-123", "SKU 42", "0425261", "12345"])
def test_other_text_is_an_item_code_to_look_up(raw: str) -> None:
    result = parse_scan(raw)
    assert result.ok and result.kind is ScanKind.ITEM_CODE
    assert result.lookup_codes == (raw,)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", "the scan was empty"),
        ("\r\n", "the scan was empty"),
        ("   ", "the scan was empty"),
        ("ABC\x07DEF", "control character U+0007"),
        ("\x1b[A", "control character U+001B"),
        ("59012\ufffd4123457", "not text: check that its baud rate"),
        ("5" * 201, "201 characters long"),
        ("x" * 60, "longer than 48 characters"),
    ],
)
def test_garbage_is_refused_with_what_to_do(raw: str, expected: str) -> None:
    result = parse_scan(raw)
    assert result.kind is ScanKind.INVALID
    assert result.lookup_code is None
    assert expected in result.message


def test_suffix_and_surrounding_whitespace_are_not_part_of_the_code() -> None:
    assert parse_scan("5901234123457\r\n").lookup_code == "5901234123457"
    assert parse_scan(" 5901234123457\t").raw == " 5901234123457\t"


def test_parse_scan_never_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    import peripherals.scan_parse as module

    def broken(*_args: object, **_kwargs: object) -> object:
        raise RuntimeError("boom")

    monkeypatch.setattr(module, "_gtin", broken)  # an internal bug must still give a result
    result = parse_scan("5901234123457")
    assert result.kind is ScanKind.INVALID
    assert "could not read '5901234123457' (boom)" in result.message
