"""A hypothesis state machine over a real register, its sync client (SyncService: health,
upload, master-data download, reconciliation), the fault proxy and a real server: sell, void,
sync, inject faults, crash and reopen the register, restart the server on the same database
file, publish catalog changes. After every step: no sale or void is on the server twice, the
server holds only what the register concluded, every acknowledged sale is on the server; after
a clean sync both sides agree to the cent, the day reconciles, and every published product is
on the register."""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fault_proxy import EVERY_FAULT, Fault, FaultProxy, Kind
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sf_support import (
    SAMPLE_STORE,
    STORE,
    ServerHandle,
    ServiceSync,
    Till,
    acked_sales,
    assert_digests_match,
    assert_exactly_once,
    ean13,
    local_ids,
    local_product_price,
    local_sales,
    unacked_count,
    void_sale,
)

from channel_server.importer import import_directory
from channel_server.master_data import MasterChange, apply_changes
from local_db import sample_barcodes

TIMEOUT = 1.0  # the sync client's; a delay fault outlasts it
FAULTS = tuple(
    dataclasses.replace(f, seconds=TIMEOUT + 0.2) if f.kind is Kind.DELAY else f
    for f in EVERY_FAULT
)


class SyncMachine(RuleBasedStateMachine):
    template: Path  # the seeded store, set by the test
    calls: Counter[str] = Counter()  # rules run, over all examples

    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="sf-machine-"))
        self.server = ServerHandle(self.dir / "server.db")
        import_directory(self.server.live.db, SAMPLE_STORE)  # headquarters' master data
        self.proxy = FaultProxy.to(self.server.base_url)
        self.till = Till.from_template(self.template, self.dir / "register")
        self.client = ServiceSync(
            self.till, self.proxy.url, self.server.code("R1"), self.dir / "keyring.json",
            timeout=TIMEOUT,
        )  # fmt: skip
        first = self._clean_cycle()  # the first start: a full download of the store
        assert first.download is not None and first.download.full, first
        self.till.barcodes = sample_barcodes(self.till.open().database, 30, seed=3)
        self.sold: set[str] = set()
        self.voided: set[str] = set()
        self.catalog_changes = 0
        self.published: dict[str, Decimal] = {}

    def teardown(self) -> None:
        try:
            self._recover()
        finally:
            self.client.close()
            self.till.close()
            self.proxy.close()
            self.server.stop()
            shutil.rmtree(self.dir, ignore_errors=True)

    @rule(sales=st.integers(1, 4), lines=st.integers(1, 4))
    def sell(self, sales: int, lines: int) -> None:
        self.calls["sell"] += 1
        for _ in range(sales):
            self.sold.add(self.till.sell(lines))

    @rule()
    def ring_and_void(self) -> None:
        self.calls["ring_and_void"] += 1
        self.voided.add(void_sale(self.till))

    @rule(sell_first=st.booleans())
    def sync_step(self, sell_first: bool) -> None:
        """A sync cycle, as the app runs one right after a concluded sale."""
        self.calls["sync_step"] += 1
        if sell_first:
            self.sold.add(self.till.sell())
        self.client.cycle()

    @rule(fault=st.sampled_from(FAULTS), times=st.integers(1, 4))
    def inject_fault(self, fault: Fault, times: int) -> None:
        self.calls["inject_fault"] += 1
        self.proxy.enqueue(*[fault] * times, path="/v1/push")

    @rule()
    def crash_register(self) -> None:
        """Dispose of the register (database closed, lock released) and open it again."""
        self.calls["crash_register"] += 1
        self.client.reopen()

    @rule()
    def restart_server(self) -> None:
        self.calls["restart_server"] += 1
        self.proxy.point_to(self.server.restart())

    @rule(price=st.integers(1, 99_999))
    def publish_catalog_change(self, price: int) -> None:
        self.calls["publish_catalog_change"] += 1
        self.catalog_changes += 1
        product = {
            "item_id": f"SF{self.catalog_changes:04d}",
            "name": f"Fault test item {self.catalog_changes}",
            "base_price": f"{price // 100}.{price % 100:02d}",
            "category_id": "C01",
            "variants": [],
            "barcodes": [{"code": ean13(f"29{self.catalog_changes:010d}")}],
            "prices": [],
        }
        with self.server.live.db.write() as session:
            recorded = apply_changes(
                session, [MasterChange("product", product["item_id"], product)], [STORE]
            )
        assert recorded == {STORE: 1}
        self.published[product["item_id"]] = Decimal(product["base_price"])

    @rule()
    def recover_and_check(self) -> None:
        self.calls["recover_and_check"] += 1
        self._recover()

    def _clean_cycle(self) -> Any:
        """A cycle on a healed network; on a busy machine one may still time out, so up to
        three (the claim is about what holds after recovery)."""
        for _ in range(3):
            report = self.client.cycle(reconcile=True)
            if report.ok:
                return report
        raise AssertionError(f"no clean sync cycle: {report}")

    def _recover(self) -> None:
        """The network heals: a clean sync; each newly downloaded product is sold at once and
        synced too; then both sides agree to the cent."""
        self.proxy.clear()
        self._clean_cycle()
        fresh = []
        for item_id, price in self.published.items():
            assert local_product_price(self.till.db_file, item_id) == price, item_id
            code = ean13(f"29{int(item_id[2:]):010d}")
            if code not in self.till.barcodes:  # downloaded: the register sells it from now on
                self.till.barcodes.append(code)
                fresh.append(code)
        if fresh:
            self.sold.add(self.till.sell(2, first=fresh[-1]))
            self.calls["sold_a_published_product"] += 1
            self._clean_cycle()
        assert unacked_count(self.till.db_file) == 0
        assert_exactly_once(self.server, self.till.db_file)
        assert set(self.server.sale_counts(kind="void")) == self.voided
        if self.sold:
            assert_digests_match(self.server, self.till.db_file)

    @invariant()
    def no_sale_twice_and_nothing_invented(self) -> None:
        counts = self.server.sale_counts()
        assert all(n == 1 for n in counts.values()), counts
        local = local_sales(self.till.db_file)
        assert set(local) == self.sold  # every concluded sale is in the register's outbox
        assert set(counts) <= set(local)
        assert acked_sales(self.till.db_file) <= set(counts)
        voids = self.server.sale_counts(kind="void")
        assert all(n == 1 for n in voids.values()), voids
        assert set(voids) <= local_ids(self.till.db_file, "void") == self.voided


@pytest.mark.slow  # ~15-30 s: 6 examples of 14 steps, each with its own server and register
def test_sync_state_machine(seeded_store: Path) -> None:
    SyncMachine.template = seeded_store
    run_state_machine_as_test(
        SyncMachine,
        settings=settings(
            max_examples=6,
            stateful_step_count=14,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            phases=(Phase.explicit, Phase.reuse, Phase.generate),  # no shrinking: CI time
        ),
    )
    rules = {
        name
        for name in dir(SyncMachine)
        if hasattr(getattr(SyncMachine, name), "hypothesis_stateful_rule")
    }
    calls = SyncMachine.calls
    assert {name for name in calls if name in rules} == rules, calls
    assert calls["sold_a_published_product"] > 0, calls  # catalog changes reach the sales
