"""The journal-chain rule (issue #4's chain), shared by the register that writes it (local_db's
ledger) and the channel server that checks it as each register's items arrive (issue #5).

entry_hash = sha256(prev_hash + payload_sha256) as lowercase hex text, the first entry linking
to GENESIS_HASH; signatures are "key_no:hex" Ed25519 over the entry hash's bytes. Pure
(hashlib + cryptography), so both sides import the one copy.

A break is reported, never enforced: the item is still stored and the head moves on, so one
tampered entry gives one alert rather than one per later item.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

GENESIS_HASH = "0" * 64


def chain_hash(prev_hash: str, payload_sha256: str) -> str:
    """entry_hash = sha256(prev_hash + payload_sha256), both as lowercase hex text."""
    return hashlib.sha256((prev_hash + payload_sha256).encode()).hexdigest()


def signature_valid(public_keys: Mapping[int, str], entry_hash: str, signature: str) -> bool:
    """Whether "key_no:hex" is a valid Ed25519 signature of the entry hash by that key."""
    key_no, _, sig = signature.partition(":")
    try:
        public = public_keys.get(int(key_no))
        if public is None:
            return False
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public))
        key.verify(bytes.fromhex(sig), bytes.fromhex(entry_hash))
    except (ValueError, InvalidSignature):
        return False
    return True


@dataclass(frozen=True, slots=True)
class ChainHead:
    entry_no: int
    entry_hash: str
    signed_seen: bool


@dataclass(frozen=True, slots=True)
class ChainLink:
    entry_no: int
    prev_hash: str
    entry_hash: str
    signature: str | None


def check_link(
    head: ChainHead, link: ChainLink, payload_sha256: str, public_keys: Mapping[int, str]
) -> tuple[ChainHead, list[str]]:
    """The head after `link`, and what is wrong with it (empty: the chain holds)."""
    no = link.entry_no
    problems: list[str] = []
    if no != head.entry_no + 1:
        problems.append(f"journal entry {no} arrived after entry {head.entry_no} (entries missing)")
    elif link.prev_hash != head.entry_hash:
        problems.append(f"journal entry {no} does not link to entry {head.entry_no}")
    if link.entry_hash != chain_hash(link.prev_hash, payload_sha256):
        problems.append(f"journal entry {no}: its hash does not follow from its fields (edited)")
    if link.signature is None:
        if head.signed_seen:
            problems.append(f"journal entry {no} is not signed but earlier entries were")
    elif not signature_valid(public_keys, link.entry_hash, link.signature):
        problems.append(f"journal entry {no}: its signature is not valid (forged or unknown key)")
    after = ChainHead(no, link.entry_hash, head.signed_seen or link.signature is not None)
    return after, problems
