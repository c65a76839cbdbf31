"""Verifying the tamper-evident journal: `tillpoint journal verify --db PATH` (issue #4).

Each register's journal is a chain: entry_hash = sha256(prev_hash + payload_sha256), the payload
being the entry's outbox row (the canonical JSON of the sale, void, shift or drawer event), and
every entry signed with the register's Ed25519 key (`local_db.journal_keys`). Verification walks
each chain and names the first entry that was edited, deleted, inserted or reordered:

- edited: the entry's hash does not follow from its fields, its payload no longer hashes to
  the recorded digest, its sale row disagrees with the payload, or its signature is invalid;
- deleted: a number is missing, or an entry's prev_hash names no entry that exists, or the
  chain ends before the register's journal counter;
- inserted: an entry's prev_hash names an entry further back, so the ones between are foreign;
- reordered: an entry's prev_hash names an entry that comes after it.

Entries written before signing existed (schema 0001) are accepted unsigned only as a prefix:
an unsigned entry after a signed one is a problem.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from local_db.database import Database
from local_db.journal_keys import public_keys, signature_valid
from local_db.ledger import GENESIS_HASH, JOURNAL_COUNTER, chain_hash
from runtime.codec import sha256_hex

_ENTRIES = (
    "SELECT j.register_id, j.entry_no, j.kind, j.transaction_id, j.payload_sha256, j.prev_hash,"
    " j.entry_hash, j.signature, j.device_seq, o.payload"
    " FROM journal_entries AS j LEFT JOIN outbox AS o"
    " ON o.register_id = j.register_id AND o.device_seq = j.device_seq"
    " WHERE j.register_id = ? ORDER BY j.entry_no"
)
# sales whose row no longer says what their (hashed) payload says
_SALE_MISMATCH = (
    "SELECT t.register_id, t.journal_entry_no FROM transactions AS t"
    " JOIN outbox AS o ON o.register_id = t.register_id AND o.device_seq = t.device_seq"
    " WHERE t.total IS NOT json_extract(o.payload, '$.totals.total')"
    " OR t.receipt_number IS NOT json_extract(o.payload, '$.receipt_number')"
    " OR t.state IS NOT json_extract(o.payload, '$.state')"
    " OR t.operator_id IS NOT json_extract(o.payload, '$.operator_id')"
    " OR t.transaction_id IS NOT o.transaction_id"
)


@dataclass(frozen=True, slots=True)
class ChainProblem:
    register_id: str
    entry_no: int
    kind: str  # edited / deleted / inserted / reordered
    message: str


@dataclass
class ChainReport:
    """Per register: entries checked and the problems, first one first."""

    entries: dict[str, int] = field(default_factory=dict)
    heads: dict[str, tuple[int, str]] = field(default_factory=dict)  # last entry no, hash
    problems: list[ChainProblem] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems

    def first_problem(self, register_id: str) -> ChainProblem | None:
        return next((p for p in self.problems if p.register_id == register_id), None)


# register, entry_no, kind, subject, digest, prev_hash, entry_hash, signature, device_seq, and
# whether the payload hashes to the digest (None: no payload)
Row = tuple[str, int, str, str | None, str, str, str, str | None, int | None, bool | None]


def verify_journal(db: Database, *, deep: bool = False) -> ChainReport:
    """Walk every register's chain, streaming it (a million entries hold gigabytes of payload).

    `deep` also checks every signature (see `_bad_signatures`) and every sale row against its
    payload; the default checks the chain, every payload and the signatures at checkpoints,
    which already proves that no entry was edited, deleted, inserted or reordered.
    """
    report = ChainReport()
    with db.read("verify the journal") as conn:
        counters = dict(
            conn.execute(
                "SELECT register_id, value FROM counters WHERE name = ?", (JOURNAL_COUNTER,)
            ).fetchall()
        )
        registers = {r for (r,) in conn.execute("SELECT DISTINCT register_id FROM journal_entries")}
        mismatched: set[tuple[str, int]] = set()
        if deep:
            mismatched = {(str(r), int(n)) for r, n in conn.execute(_SALE_MISMATCH).fetchall()}
        for register_id in sorted(registers | set(counters)):
            chain: list[Row] = []
            for row in conn.execute(_ENTRIES, (register_id,)):
                payload = row[9]
                payload_ok = None if payload is None else sha256_hex(payload.encode()) == row[4]
                chain.append((*row[:9], payload_ok))
            report.entries[register_id] = len(chain)
            keys = public_keys(db, register_id)
            report.problems += _walk(
                register_id, chain, keys, mismatched, int(counters.get(register_id, 0)), deep
            )
            if chain:
                report.heads[register_id] = (chain[-1][1], chain[-1][6])
    return report


def _walk(
    register_id: str,
    chain: list[Row],
    keys: dict[int, Ed25519PublicKey],
    mismatched: set[tuple[str, int]],
    counter: int,
    every_signature: bool,
) -> list[ChainProblem]:
    problems: list[ChainProblem] = []

    def problem(entry_no: int, kind: str, message: str) -> None:
        problems.append(ChainProblem(register_id, entry_no, kind, message))

    position = {row[6]: i for i, row in enumerate(chain)}  # entry_hash -> index
    expected_prev, expected_no, signed_seen = GENESIS_HASH, 1, False
    out_of_order: set[int] = set()
    signed: list[tuple[int, str, str]] = []
    for i, row in enumerate(chain):
        _, no, _kind, _subject, digest, prev, entry_hash, signature, _seq, payload_ok = row
        if no != expected_no:
            if no > expected_no:
                gap = f"{expected_no}" if no == expected_no + 1 else f"{expected_no}-{no - 1}"
                problem(no, "deleted", f"entry {gap} is missing before entry {no} (deleted)")
            else:
                problem(no, "reordered", f"entry {no} comes after entry {expected_no - 1}")
        if prev != expected_prev:
            at = position.get(prev)
            if at is None:
                problem(no, "deleted", f"the entry before entry {no} is gone (deleted)")
            elif at > i:
                out_of_order.add(i)
                problem(no, "reordered", f"entry {no} is out of order (it follows a later one)")
            elif at < i - 1 and out_of_order.isdisjoint(range(at + 1, i)):
                foreign = chain[at + 1][1]
                problem(foreign, "inserted", f"entry {foreign} was inserted into the chain")
            elif at < i - 1:
                problem(no, "reordered", f"entry {no} is out of order (it follows an earlier one)")
        if entry_hash != chain_hash(prev, digest):
            problem(no, "edited", f"entry {no} was edited: its hash does not match its fields")
        if payload_ok is None:
            problem(no, "deleted", f"entry {no}: its payload (outbox row) is missing")
        elif not payload_ok:
            problem(no, "edited", f"entry {no} was edited: its payload no longer matches")
        if (register_id, no) in mismatched:
            problem(no, "edited", f"entry {no}: the sale's row was edited after it was recorded")
        if signature is None:
            if signed_seen:
                problem(no, "edited", f"entry {no} is not signed (inserted or edited)")
        else:
            signed_seen = True
            signed.append((no, entry_hash, signature))
        expected_prev, expected_no = entry_hash, no + 1
    for no in _bad_signatures(signed, keys, every_signature):
        problem(no, "edited", f"entry {no}: its signature is not valid (forged or edited)")
    last = chain[-1][1] if chain else 0
    if counter > last:
        problem(last + 1, "deleted", f"entries {last + 1}-{counter} at the end are missing")
    # the structural finding (what happened to the chain) first for each entry
    return sorted(problems, key=lambda p: (p.entry_no, _PRIORITY[p.kind]))


def _bad_signatures(
    signed: list[tuple[int, str, str]],
    keys: dict[int, Ed25519PublicKey],
    every_signature: bool,
) -> list[int]:
    """Entry numbers whose signature does not verify.

    Every entry hash commits to all entries before it, and the hashes were all recomputed
    above, so a valid signature on an entry vouches for the whole chain up to it. By default
    the signatures of every CHECKPOINT-th entry and of the head are verified, and when one
    fails, the first failing entry is found by bisection: a forger who rewrote entries from k
    on cannot sign the new hashes, so signatures are valid before k and invalid from k.
    `every_signature` checks each one (on two threads; the check releases the GIL), which also
    finds a signature vandalised without touching any hash.
    """
    if not signed:
        return []

    def ok(index: int) -> bool:
        _, entry_hash, signature = signed[index]
        return signature_valid(keys, entry_hash, signature)

    if every_signature:
        with ThreadPoolExecutor(max_workers=2) as pool:
            results = list(pool.map(ok, range(len(signed)), chunksize=512))
        return [signed[i][0] for i, good in enumerate(results) if not good]
    checkpoints = [*range(CHECKPOINT - 1, len(signed) - 1, CHECKPOINT), len(signed) - 1]
    good_before = -1
    for index in checkpoints:
        if ok(index):
            good_before = index
            continue
        low, high = good_before + 1, index  # first bad in (good_before, index]
        while low < high:
            middle = (low + high) // 2
            if ok(middle):
                low = middle + 1
            else:
                high = middle
        return [signed[low][0]]
    return []


CHECKPOINT = 256
_PRIORITY = {"inserted": 0, "reordered": 1, "deleted": 2, "edited": 3}
