"""Golden facts about the ESC/POS bytes of rendered receipts (python-escpos Dummy printer).

The output is split into commands and text by a small ESC/POS tokenizer that knows every command
the renderer may send and fails on anything else, so the tests check facts (code page, styles,
widths, barcode, cut) rather than whole dumps.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from peripherals.receipt_escpos import render_escpos
from peripherals.receipt_profile import PAPER_58MM, PAPER_80MM, ReceiptProfile
from runtime.operations import AddLine, AddTender, CommentLine, Conclude
from runtime.receipt import (
    Align,
    BarcodeBlock,
    QrBlock,
    ReceiptDocument,
    Separator,
    TextRow,
)
from runtime.receipt_text import render_text
from tests.runtime.fakes import COLA_EAN, make_runtime, ok, store_config

ESC, GS = b"\x1b", b"\x1d"
NUMBER = "S1-R1-20261123-0001"


# ------------------------------------------------------------------ tokenizer


@dataclass(frozen=True)
class Cmd:
    raw: bytes


@dataclass(frozen=True)
class Text:
    raw: bytes


_FIXED = {  # command prefix -> total length
    ESC + b"@": 2,
    ESC + b"t": 3,
    ESC + b"a": 3,
    ESC + b"E": 3,
    ESC + b"!": 3,
    ESC + b"d": 3,
    GS + b"!": 3,
    GS + b"h": 3,
    GS + b"w": 3,
    GS + b"f": 3,
    GS + b"H": 3,
}


def tokens(data: bytes) -> list[Cmd | Text]:
    out: list[Cmd | Text] = []
    i = 0
    while i < len(data):
        two = data[i : i + 2]
        if two in _FIXED:
            n = _FIXED[two]
        elif two == GS + b"V":
            n = 4 if data[i + 2] in (65, 66) else 3
        elif two == GS + b"k":
            assert data[i + 2] >= 65, "only function B barcodes are expected"
            n = 4 + data[i + 3]
        elif two == GS + b"(" and data[i + 2 : i + 3] == b"k":
            n = 5 + data[i + 3] + 256 * data[i + 4]
        elif data[i] < 0x20 and data[i] != 0x0A:
            raise AssertionError(f"unknown control byte {data[i : i + 4]!r} at {i}")
        else:
            j = i
            while j < len(data) and (data[j] >= 0x20 or data[j] == 0x0A):
                j += 1
            out.append(Text(data[i:j]))
            i = j
            continue
        out.append(Cmd(data[i : i + n]))
        i += n
    return out


def printed_lines(data: bytes) -> list[tuple[str, bool]]:
    """(text, double size) of every printed line, decoded from CP858."""
    lines: list[tuple[str, bool]] = []
    current, double = "", False
    for tok in tokens(data):
        if isinstance(tok, Cmd):
            if tok.raw[:2] == GS + b"!":
                double = tok.raw[2] == 0x11
            continue
        parts = tok.raw.decode("cp858").split("\n")
        for part in parts[:-1]:
            lines.append((current + part, double))
            current = ""
        current += parts[-1]
    assert current == ""
    return lines


def texts(data: bytes) -> list[str]:
    return [line for line, _ in printed_lines(data)]


def commands(data: bytes) -> list[bytes]:
    return [tok.raw for tok in tokens(data) if isinstance(tok, Cmd)]


# ------------------------------------------------------------------ receipts


def concluded_receipt(**store: object) -> ReceiptDocument:
    """A real sale through the runtime: a cola, the long coffee, a comment with € and ß."""
    rt, _ = make_runtime(store_config(**store))
    ok(rt.add_line(AddLine(barcode=COLA_EAN)))
    ok(rt.add_line(AddLine(item_id="LONG")))
    ok(rt.comment_line(CommentLine("L1", "Pfand 0,25 € für Weißbier")))
    ok(rt.add_tender(AddTender("cash", Decimal("1300.00"))))
    return ok(rt.conclude(Conclude())).receipt


@pytest.fixture(scope="module")
def sale() -> ReceiptDocument:
    return concluded_receipt(
        name="Bäckerei Weiß", address_lines=("Hauptstraße 1",), receipt_footer=("Danke schön!",)
    )


def doc(
    *elements: TextRow | Separator | BarcodeBlock | QrBlock, number: str | None = None
) -> ReceiptDocument:
    return ReceiptDocument("sale", lines=tuple(elements), receipt_number=number)


# ------------------------------------------------------------------ tests


def test_starts_with_init_then_pins_cp858(sale: ReceiptDocument) -> None:
    out = render_escpos(sale, PAPER_80MM)
    assert out.startswith(ESC + b"@" + ESC + b"t\x13")  # CP858 is table 19 in Epson numbering
    # pinned: no other code page selection anywhere in the job
    assert [c for c in commands(out) if c[:2] == ESC + b"t"] == [ESC + b"t\x13"]


def test_euro_and_umlauts_are_cp858_bytes(sale: ReceiptDocument) -> None:
    out = render_escpos(sale, PAPER_80MM)
    assert b"\xd5" in out and "€".encode("cp858") == b"\xd5"
    assert b"Wei\xe1bier" in out  # ß is 0xE1
    assert b"B\x84ckerei Wei\xe1" in out  # ä is 0x84
    lines = texts(out)
    assert "Bäckerei Weiß" in [line.strip() for line in lines]
    assert any("Pfand 0,25 € für Weißbier" in line for line in lines)


def test_accents_and_euro_in_constructed_rows() -> None:
    out = render_escpos(doc(TextRow("Café crème", "3,50 €"), TextRow("Müsli")))
    assert b"Caf\x82 cr\x8ame" in out and b"3,50 \xd5" in out and b"M\x81sli" in out
    decomposed = render_escpos(doc(TextRow("Cafe\u0301")))  # e + combining acute: composed
    assert b"Caf\x82\n" in decomposed


def test_unencodable_characters_become_question_marks() -> None:
    out = render_escpos(doc(TextRow("漢字 Tee", "1,00 €"), TextRow("Emoji 🙂")))
    lines = texts(out)
    assert lines[0].startswith("?? Tee") and lines[0].endswith("1,00 €")
    assert lines[1] == "Emoji ?"
    assert "漢".encode("gb18030") not in out  # python-escpos' Chinese shortcut is not taken
    assert [c for c in commands(out) if c[:2] == ESC + b"t"] == [ESC + b"t\x13"]


def test_control_characters_cannot_inject_commands() -> None:
    out = render_escpos(doc(TextRow("Kick\x1bp\x00\x19\x85", "1\n2")))  # ESC p = drawer kick
    assert b"\x1bp" not in out
    assert texts(out) == ["Kick?p???" + " " * 30 + "1 2"]


def test_bold_row_is_wrapped_in_esc_e() -> None:
    out = render_escpos(doc(TextRow("Change", "5.00", bold=True)))
    seq = commands(out)
    assert ESC + b"E\x01" + b"Change" + b" " * 32 + b"5.00\n" + ESC + b"E\x00" in out
    assert seq.count(ESC + b"E\x01") == seq.count(ESC + b"E\x00") == 1


def test_double_row_uses_gs_excl_with_half_the_columns() -> None:
    row = TextRow("TOTAL", "1234.56", bold=True, double=True)
    out = render_escpos(doc(row))
    assert GS + b"!\x11" in out and out.index(GS + b"!\x11") < out.index(b"TOTAL")
    assert out.index(GS + b"!\x00") > out.index(b"1234.56")
    assert texts(out) == ["TOTAL" + " " * 9 + "1234.56"]  # 21 columns on 42-column paper
    long = render_escpos(doc(TextRow("Organic Fair-Trade Whole Bean Coffee", double=True)))
    assert [(len(line), double) for line, double in printed_lines(long)] == [
        (21, True),
        (15, True),
    ]


@pytest.mark.parametrize("profile", [PAPER_80MM, PAPER_58MM], ids=["80mm", "58mm"])
def test_no_line_exceeds_the_columns(sale: ReceiptDocument, profile: ReceiptProfile) -> None:
    lines = printed_lines(render_escpos(sale, profile))
    assert lines
    for line, double in lines:
        assert len(line) <= (profile.columns // 2 if double else profile.columns), line


def test_58mm_wraps_long_names_and_keeps_amounts_right(sale: ReceiptDocument) -> None:
    lines = texts(render_escpos(sale, PAPER_58MM))
    start = next(i for i, line in enumerate(lines) if line.startswith("Organic Fair-Trade"))
    name = []
    for line in lines[start:]:
        name.append(line)
        if line.endswith("1234.56"):
            break
    assert len(name) >= 3  # 112 characters on 32 columns
    assert all(len(line) == 32 for line in name[:-1])
    assert name[-1].endswith("1234.56") and len(name[-1]) == 32


def test_normal_rows_match_the_text_renderer(sale: ReceiptDocument) -> None:
    """Left/right rows, separators, left-aligned wrapping: the same lines as receipt_text."""
    plain = ReceiptDocument("sale", lines=sale.lines + sale.totals[:-1] + sale.tenders)
    for width in (42, 32):
        profile = ReceiptProfile(columns=width, print_barcode=False)
        assert texts(render_escpos(plain, profile)) == render_text(plain, width).splitlines()


def test_alignment_commands() -> None:
    out = render_escpos(
        doc(
            TextRow("mid", align=Align.CENTER),
            TextRow("end", align=Align.RIGHT),
            TextRow("start"),
        )
    )
    assert ESC + b"a\x01mid\n" in out
    assert ESC + b"a\x02end\n" in out
    assert ESC + b"a\x00start\n" in out


def test_separator_is_a_full_width_rule() -> None:
    out = render_escpos(doc(Separator(), Separator("=")), PAPER_58MM)
    assert texts(out) == ["-" * 32, "=" * 32]


def barcodes(out: bytes) -> list[bytes]:
    return [c for c in commands(out) if c[:2] == GS + b"k"]


def test_receipt_number_as_code128_barcode(sale: ReceiptDocument) -> None:
    assert sale.receipt_number == NUMBER
    out = render_escpos(sale, PAPER_80MM)
    data = b"{B" + NUMBER.encode()
    # GS k 73 (CODE128, function B), length, "{B" (code set B), data
    assert barcodes(out) == [GS + b"kI" + bytes([len(data)]) + data]
    before = out[: out.index(GS + b"kI")]
    assert before.endswith(GS + b"H\x02")  # human-readable number below the bars
    assert ESC + b"a\x01" + GS + b"h" in before  # centred
    assert GS + b"w\x02" in before  # 19 characters fit 576 dots at 2 dots per module


def test_no_barcode_when_disabled(sale: ReceiptDocument) -> None:
    out = render_escpos(sale, ReceiptProfile(print_barcode=False))
    assert barcodes(out) == []
    assert GS + b"k" not in out


def test_barcode_too_wide_for_the_paper_prints_the_number(sale: ReceiptDocument) -> None:
    out = render_escpos(sale, PAPER_58MM)  # 264 modules x 2 dots > 384 dots
    assert barcodes(out) == []
    assert texts(out)[-1] == NUMBER


def test_short_barcode_on_58mm_and_brace_escaped() -> None:
    out = render_escpos(doc(BarcodeBlock("A{1")), PAPER_58MM)
    assert barcodes(out) == [GS + b"kI\x06{BA{{1"]
    assert GS + b"w\x03" in out  # (5 + 2) * 11 + 13 + 20 = 110 modules, 3 dots each


def qr_commands(out: bytes) -> list[bytes]:
    return [c for c in commands(out) if c[:3] == GS + b"(k"]


def test_qr_of_the_receipt_number_when_enabled(sale: ReceiptDocument) -> None:
    out = render_escpos(sale, ReceiptProfile(print_qr=True))
    qr = qr_commands(out)
    store = [c for c in qr if c[6:7] == b"P"]  # fn 80: store the data
    assert store == [GS + b"(k" + bytes([len(NUMBER) + 3, 0]) + b"1P0" + NUMBER.encode()]
    assert qr[-1] == GS + b"(k\x03\x001Q0"  # fn 81: print it
    assert qr_commands(render_escpos(sale, ReceiptProfile())) == []


def test_qr_blocks_print_only_when_enabled() -> None:
    document = doc(QrBlock("https://example.test/r/1"), number=NUMBER)
    on = qr_commands(render_escpos(document, ReceiptProfile(print_qr=True)))
    assert [c for c in on if c[6:7] == b"P"] == [
        GS + b"(k\x1b\x001P0https://example.test/r/1"
    ]  # the block's data, and no second QR of the receipt number
    assert qr_commands(render_escpos(document, ReceiptProfile(print_qr=False))) == []


def test_cut_ends_the_receipt(sale: ReceiptDocument) -> None:
    out = render_escpos(sale, ReceiptProfile(cut=True))
    assert out.endswith(ESC + b"d\x06" + GS + b"V\x00")  # feed past the cutter, full cut
    uncut = render_escpos(sale, ReceiptProfile(cut=False))
    assert GS + b"V" not in uncut
    assert uncut.endswith(ESC + b"d\x06")


def test_sections_print_in_document_order(sale: ReceiptDocument) -> None:
    out = render_escpos(sale, PAPER_80MM)
    order = ["Bäckerei Weiß", "Hauptstraße 1", f"Receipt {NUMBER}", "Cola 0.5l", "TOTAL"]
    order += ["Cash", "Change", "Danke schön!"]
    found = [out.index(x.encode("cp858")) for x in order] + [out.index(GS + b"kI")]
    assert found == sorted(found)


def test_profile_validation() -> None:
    with pytest.raises(ValueError, match="does not exist"):
        ReceiptProfile(logo="no-such-logo.png")
    with pytest.raises(ValueError):
        ReceiptProfile(columns=4)
    with pytest.raises(ValueError):
        render_escpos(doc(TextRow("x")), ReceiptProfile(code_page="CP9999"))
    # a lower-case name is the same code page
    out = render_escpos(doc(TextRow("€")), ReceiptProfile(code_page="cp858"))
    assert out.startswith(ESC + b"@" + ESC + b"t\x13") and b"\xd5\n" in out
