"""Pricing scenarios (tests/data/pricing/*.json): every file prices to its `expected`; malformed
files are refused with the JSON path at fault; `tillpoint price` exit codes."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from runtime.pricing_engine.scenario import (
    ScenarioError,
    compare,
    load_scenario,
    price_scenario,
    render,
    run_scenario,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "pricing"
SCENARIOS = sorted(DATA.glob("*.json"))
TILLPOINT = str(Path(sys.executable).parent / "tillpoint")
D365_A = DATA / "disc_20_dynamics_example_model_a.json"

MINIMAL: dict[str, object] = {
    "store": {"currency": {"code": "USD"}, "price_groups": ["STORE"]},
    "price_groups": [{"id": "STORE"}],
    "products": [{"item_id": "P1", "base_price": "10.00"}],
    "basket": {"date": "2026-11-23", "lines": [{"item": "P1", "quantity": "1"}]},
}


def test_there_are_at_least_40_scenarios_all_with_expected_results() -> None:
    assert len(SCENARIOS) >= 40
    for path in SCENARIOS:
        assert "expected" in json.loads(path.read_text()), path.name


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario_prices_to_expected(path: Path) -> None:
    scenario = load_scenario(path.read_text(encoding="utf-8"))
    assert scenario.expected is not None
    output = run_scenario(scenario)
    assert compare(scenario.expected, output) == []
    assert output == scenario.expected


def test_dynamics_worked_examples() -> None:
    assert price_scenario(D365_A.read_text())["total"] == "7.29"
    model_b = DATA / "disc_21_dynamics_example_model_b.json"
    assert price_scenario(model_b.read_text())["total"] == "6.37"


def test_output_is_deterministic_and_key_ordered() -> None:
    text = D365_A.read_text()
    first, second = render(price_scenario(text)), render(price_scenario(text))
    assert first == second
    output = json.loads(first)
    assert list(output) == ["lines", "subtotal", "discount_total", "tax_total", "total"]
    assert list(output["lines"][0]) == [
        "line_id", "item_id", "variant_id", "quantity", "unit", "unit_price", "price_source",
        "discounts", "net_amount", "tax_amount",
    ]  # fmt: skip
    assert list(output["lines"][0]["discounts"][0]) == ["id", "name", "kind", "amount"]


def problems_of(doc: object) -> tuple[str, ...]:
    text = doc if isinstance(doc, str) else json.dumps(doc)
    with pytest.raises(ScenarioError) as caught:
        price_scenario(text)
    return caught.value.problems


def edited(**changes: object) -> dict[str, object]:
    doc = copy.deepcopy(MINIMAL)
    doc.update(changes)
    return doc


def test_minimal_scenario_runs() -> None:
    assert price_scenario(json.dumps(MINIMAL))["total"] == "10.00"


def test_bad_json_names_line_and_column() -> None:
    (problem,) = problems_of('{"store": ')
    assert problem.startswith("$: not valid JSON:") and "line 1" in problem


def test_json_float_for_money_is_refused_with_a_hint() -> None:
    doc = edited(products=[{"item_id": "P1", "base_price": 10.5}])
    (problem,) = problems_of(doc)
    assert problem.startswith('$.products[0].base_price: must be a decimal string such as "10.5"')


def test_quantity_must_be_a_decimal_string() -> None:
    doc = edited(basket={"date": "2026-11-23", "lines": [{"item": "P1", "quantity": 2}]})
    assert problems_of(doc) == (
        "$.basket.lines[0].quantity: must be a decimal string, not a number",
    )


def test_unknown_keys_are_rejected_with_a_suggestion() -> None:
    doc = edited(basket={"date": "2026-11-23", "lines": [{"item": "P1", "quantity": "1"}],
                         "costumer": "C1"})  # fmt: skip
    (problem,) = problems_of(doc)
    assert problem.startswith("$.basket.costumer: unknown key; did you mean 'customer'?")
    assert problems_of(edited(expectd={}))[0].startswith("$.expectd: unknown key")


def test_all_problems_are_listed_at_once() -> None:
    doc = edited(
        discounts=[
            {"id": "D1", "kind": "simple", "concurrency": "best_price", "price_groups": ["STORE"],
             "value": "10"},
            {"id": "D2", "kind": "simple", "concurrency": "best_price", "price_groups": ["STORE"],
             "value": "10"},
            {"id": "D3", "kind": "quantity", "concurrency": "best_price", "price_groups": [],
             "tiers": [{"minimum": "5", "method": "percent", "value": "10"},
                       {"minimum": "3", "method": "percent", "value": "120"}]},
        ],
        basket={"date": "2026-02-30", "lines": [{"item": "NOPE", "quantity": "-1"}]},
    )  # fmt: skip
    assert problems_of(doc) == (
        "$.discounts[2].price_groups: at least one price group is required",
        "$.discounts[2].tiers[1].minimum: tiers must be strictly increasing (3 after 5)",
        "$.discounts[2].tiers[1].value: percent must be > 0 and <= 100 (got 120)",
        "$.basket.date: must be a date string YYYY-MM-DD, not '2026-02-30'",
        "$.basket.lines[0].item: unknown item or variant 'NOPE'",
        "$.basket.lines[0].quantity: must be > 0 (got -1)",
    )


def test_engine_validation_paths_are_json_paths() -> None:
    doc = edited(discounts=[
        {"id": "D1", "kind": "simple", "concurrency": "best_price", "price_groups": ["STORE"],
         "value": "0", "from": "2026-12-01", "to": "2026-11-01"},
    ])  # fmt: skip
    assert problems_of(doc) == (
        "$.discounts[0].from: 2026-12-01 is after valid_to 2026-11-01",
        "$.discounts[0].value: percent must be > 0 and <= 100 (got 0)",
    )


def test_references_are_checked() -> None:
    doc = edited(
        customers=[{"id": "C1", "price_group": "GOLD"}],
        trade_agreements=[{"id": "T", "item_code": "item", "item": "P9",
                           "account_code": "all_customers", "price": "1.00"}],
    )  # fmt: skip
    assert problems_of(doc) == (
        "$.customers[0].price_group: unknown price group 'GOLD'",
        "$.trade_agreements[0].item: unknown item 'P9'",
    )


def test_wrong_types_and_enum_values() -> None:
    doc = edited(store={"currency": {"code": "USD", "decimals": "2"}, "tax_rounding": "daily"},
                 concurrency_model="C", products="P1")  # fmt: skip
    assert problems_of(doc) == (
        "$.store.currency.decimals: must be a whole JSON number, not a string",
        "$.store.tax_rounding: must be one of per_line, per_total, not 'daily'",
        "$.products: must be a list, not a string",
        "$.concurrency_model: must be one of A, B, not 'C'",
        "$.basket.lines[0].item: unknown item or variant 'P1'",
    )


def test_duplicate_keys_and_ids_are_refused() -> None:
    text = json.dumps(MINIMAL).replace(
        '"base_price": "10.00"', '"base_price": "1", "base_price": "2"'
    )
    assert problems_of(text) == ("$.products[0].base_price: duplicate key",)


def test_register_refusal_is_reported_with_the_line_path() -> None:
    keyed = {"item": "P1", "quantity": "1", "keyed_price": "3.00"}
    doc = edited(basket={"date": "2026-11-23", "lines": [keyed]})
    (problem,) = problems_of(doc)
    assert problem.startswith("$.basket.lines[0]: the register refused it:")


MIX: dict[str, object] = {
    "id": "M", "kind": "mix_and_match", "concurrency": "best_price", "price_groups": ["STORE"],
    "deal": "deal_price", "value": "15.00",
    "line_groups": [{"id": "ANY", "quantity": "2", "items": ["P1"]}],
}  # fmt: skip


def test_mix_and_match_minimal_prices() -> None:
    doc = edited(discounts=[MIX], basket={"date": "2026-11-23",
                                          "lines": [{"item": "P1", "quantity": "2"}]})  # fmt: skip
    output = price_scenario(json.dumps(doc))
    assert output["total"] == "15.00"  # 2 x 10.00 for 15.00
    assert output["lines"][0]["discounts"][0]["kind"] == "mix_and_match"  # type: ignore[index]


def test_mix_and_match_engine_problems_are_json_paths() -> None:
    bad = {**MIX, "deal": "least_expensive", "value": "150", "least_expensive_count": 3,
           "line_groups": [{"id": "A", "quantity": "0", "items": ["P1"]},
                           {"id": "A", "quantity": "2"}]}  # fmt: skip
    assert problems_of(edited(discounts=[bad])) == (
        "$.discounts[0].line_groups[0].quantity: must be > 0 (got 0)",
        "$.discounts[0].line_groups[1].id: duplicate group A",
        "$.discounts[0].value: percent must be > 0 and <= 100 (got 150)",
        "$.discounts[0].least_expensive_count: must be > 0 and <= the set size 2 (got 3)",
    )
    assert problems_of(edited(discounts=[{**MIX, "line_groups": []}])) == (
        "$.discounts[0].line_groups: at least one line group is required",
    )


def test_malformed_mix_and_match_names_the_path() -> None:
    bad = {**MIX, "deal": "bogo", "method": "percent", "favour_retailer": "yes",
           "least_expensive_count": 1,
           "line_groups": [{"id": "A", "quantity": "1.5", "itmes": ["P1"]},
                           {"id": "B", "quantity": 2, "categories": ["NOPE"]}]}  # fmt: skip
    assert problems_of(edited(discounts=[bad])) == (
        "$.discounts[0].method: not used by a mix_and_match discount",
        "$.discounts[0].deal: must be one of deal_price, percent, amount_off, least_expensive, "
        "not 'bogo'",
        "$.discounts[0].least_expensive_count: only for the least_expensive deal",
        "$.discounts[0].line_groups[0].itmes: unknown key; did you mean 'items'? (allowed: id, "
        "quantity, items, variants, categories, exclude_items, exclude_variants, "
        "exclude_categories)",
        "$.discounts[0].line_groups[0].quantity: must be a whole number of units (got 1.5)",
        "$.discounts[0].line_groups[1].quantity: must be a decimal string, not a number",
        "$.discounts[0].line_groups[1].categories[0]: unknown category 'NOPE'",
        "$.discounts[0].favour_retailer: must be true or false, not a string",
    )
    missing = {k: v for k, v in MIX.items() if k != "deal"}
    assert problems_of(edited(discounts=[missing])) == (
        "$.discounts[0].deal: missing (required for mix_and_match)",
    )


def test_mix_and_match_keys_on_other_kinds_are_refused() -> None:
    simple = {"id": "S", "kind": "simple", "concurrency": "best_price", "price_groups": ["STORE"],
              "value": "10", "line_groups": [], "favour_retailer": True}  # fmt: skip
    assert problems_of(edited(discounts=[simple])) == (
        "$.discounts[0].line_groups: only for mix_and_match discounts",
        "$.discounts[0].favour_retailer: only for mix_and_match discounts",
    )


def test_favour_retailer_versus_customer_best() -> None:
    retailer = DATA / "mix_05_least_expensive_favour_retailer.json"
    customer = DATA / "mix_06_least_expensive_customer_best.json"
    assert price_scenario(retailer.read_text())["discount_total"] == "25.00"
    assert price_scenario(customer.read_text())["discount_total"] == "45.00"


def test_cli_malformed_mix_and_match_exit_2(tmp_path: Path) -> None:
    bad = {**MIX, "line_groups": [{"id": "ANY", "quantity": "0"}]}
    path = tmp_path / "bad_mix.json"
    path.write_text(json.dumps(edited(discounts=[bad])))
    out = tillpoint("price", str(path))
    assert out.returncode == 2 and out.stdout == ""
    assert "$.discounts[0].line_groups[0].quantity: must be > 0 (got 0)" in out.stderr
    assert "Traceback" not in out.stderr


# ---- the command ------------------------------------------------------------------------------


def tillpoint(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([TILLPOINT, *args], capture_output=True, text=True, timeout=120)


def test_cli_prints_the_priced_basket() -> None:
    out = tillpoint("price", str(D365_A))
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["total"] == "7.29"
    assert out.stdout == render(price_scenario(D365_A.read_text()))


def test_cli_check_passes_and_fails_with_a_diff(tmp_path: Path) -> None:
    assert tillpoint("price", "--check", str(D365_A)).returncode == 0
    doc = json.loads(D365_A.read_text())
    doc["expected"]["total"] = "7.30"
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps(doc))
    out = tillpoint("price", "--check", str(wrong))
    assert out.returncode == 1
    assert '-  "total": "7.30"' in out.stderr and '+  "total": "7.29"' in out.stderr


def test_cli_check_without_expected(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps(MINIMAL))
    assert tillpoint("price", str(path)).returncode == 0
    out = tillpoint("price", "--check", str(path))
    assert out.returncode == 2 and "$.expected: missing" in out.stderr


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("{not json", "$: not valid JSON"),
        (json.dumps(edited(products=[{"item_id": "P1", "base_price": 9.99}])),
         "$.products[0].base_price: must be a decimal string"),
        (json.dumps(edited(basket={"date": "2026-11-23", "lines": [], "note": "x"})),
         "$.basket.note: unknown key"),
    ],
)  # fmt: skip
def test_cli_malformed_file_exit_2_without_traceback(
    tmp_path: Path, content: str, fragment: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    out = tillpoint("price", str(path))
    assert out.returncode == 2
    assert fragment in out.stderr
    assert "Traceback" not in out.stderr and out.stdout == ""


def test_cli_missing_file_exit_2(tmp_path: Path) -> None:
    out = tillpoint("price", str(tmp_path / "absent.json"))
    assert out.returncode == 2 and "cannot read" in out.stderr and "Traceback" not in out.stderr
