"""Barcode hygiene: GTIN check digits and codes no label can carry."""

from __future__ import annotations

import pytest

from runtime.barcodes import MAX_CODE_LENGTH, gtin_check_digit, malformed_reason, with_check_digit


@pytest.mark.parametrize(
    ("body", "check"),
    [
        # EAN-13 400638133393: from the right, weights 3,1,3,...
        # 3*3+9+3*3+3+3*3+1+3*8+3+3*6+0+3*0+4 = 9+9+9+3+9+1+24+3+18+0+0+4 = 89 -> 10-9 = 1
        ("400638133393", 1),
        # EAN-8 9638507: 7*3+0+5*3+8+3*3+6+9*3 = 21+0+15+8+9+6+27 = 86 -> 4
        ("9638507", 4),
        # UPC-A 03600029145: 5*3+4+1*3+9+2*3+0+0+0+6*3+3+0 = 15+4+3+9+6+18+3 = 58 -> 2
        ("03600029145", 2),
        # GTIN-14 1001234567890: 0+9+8*3+7+6*3+5+4*3+3+2*3+1+0+0+1*3 = 88 -> 2
        ("1001234567890", 2),
        # sum a multiple of 10 -> check digit 0 (not 10): 0000000000000 -> 0
        ("000000000000", 0),
    ],
)
def test_gtin_check_digit(body: str, check: int) -> None:
    assert gtin_check_digit(body) == check
    assert with_check_digit(body) == body + str(check)


@pytest.mark.parametrize(
    "code",
    [
        "4006381333931",  # EAN-13
        "96385074",  # EAN-8
        "036000291452",  # UPC-A
        "10012345678902",  # GTIN-14
        "4000000000013",  # the test catalogue's cola
        "ABC-123/x",  # Code 128 item label: not a GTIN, may be looked up
        "12345",  # 5 digits is no GTIN length: no check digit to verify
        "1234567890",  # 10 digits: ditto
        "A" * MAX_CODE_LENGTH,  # longest accepted
    ],
)
def test_acceptable_codes(code: str) -> None:
    assert malformed_reason(code) is None


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("4006381333932", "check digit 2 is wrong for a 13-digit GTIN (expected 1)"),
        ("96385075", "check digit 5 is wrong for a 8-digit GTIN (expected 4)"),
        ("036000291453", "check digit 3 is wrong for a 12-digit GTIN (expected 2)"),
        ("10012345678901", "check digit 1 is wrong for a 14-digit GTIN (expected 2)"),
    ],
)
def test_wrong_check_digits(code: str, expected: str) -> None:
    assert malformed_reason(code) == expected


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("\t", "empty"),
        (" 4006381333931", "leading or trailing spaces"),
        ("4006381333931\n", "leading or trailing spaces"),
        ("40063\x0081333931", "control characters"),
        ("4006\x1b381333931", "control characters"),
        ("ABC\x7fDEF", "control characters"),
        ("A" * (MAX_CODE_LENGTH + 1), "longer than 48"),
        ("4" * 1000, "longer than 48"),
    ],
)
def test_malformed_codes(code: str, fragment: str) -> None:
    reason = malformed_reason(code)
    assert reason is not None
    assert fragment in reason


@pytest.mark.parametrize("code", ["\u00b2" * 13, "\u0663" * 13, "\uff11" * 8])
def test_non_ascii_digits_never_crash(code: str) -> None:
    # superscript two, Arabic-Indic three, full-width one: str.isdigit() is True for all of
    # them but they are no GTIN; the check must answer (here: may be looked up), not raise
    assert malformed_reason(code) is None
