"""Signed assertions for staff actions, made where the person was authenticated.

The component that authenticated a manager or specialist (the staff console, the
`complaints` CLI with the person's key file) signs what they decided; the workflow
verifies it against the public key the staff directory holds for them.

    signed = sign(assertion(complaint_id, "manager-2", decision=...), load_key(path))
    await complaints.decide_escalation(complaint_id, signed)
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from domain.signatures import sign
from schemas.actions import ManagerDecision, SafetyAcknowledgement, StaffResume
from schemas.staff import Reassignment, StaffAssertion

VALID_FOR = timedelta(minutes=10)
"""How long a fresh assertion stays valid: long enough to reach the complaint, no longer."""

__all__ = ["VALID_FOR", "assertion", "load_key", "new_complaint_id", "sign"]


def assertion(
    complaint_id: str,
    staff_id: str,
    *,
    decision: ManagerDecision | None = None,
    resume: StaffResume | None = None,
    safety: SafetyAcknowledgement | None = None,
    reassignment: Reassignment | None = None,
    now: datetime | None = None,
    valid_for: timedelta = VALID_FOR,
) -> StaffAssertion:
    """What `staff_id` authorises on the complaint: a decision, a resume, a safety
    acknowledgement or a reassignment, with a fresh nonce, valid from `now` (the complaint's
    clock; default: this machine's) for `valid_for`."""
    action = (
        "decide_escalation"
        if decision is not None
        else "acknowledge_safety"
        if safety is not None
        else "reassign"
        if reassignment is not None
        else "resume"
    )
    return StaffAssertion(
        complaint_id=complaint_id,
        staff_id=staff_id,
        action=action,
        decision=decision,
        resume=resume,
        safety=safety,
        reassignment=reassignment,
        nonce=secrets.token_urlsafe(18),
        expires_at=(now or datetime.now(UTC)) + valid_for,
    )


def load_key(path: Path) -> Ed25519PrivateKey:
    """A staff member's Ed25519 private key from a PEM (PKCS#8) file."""
    key = load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key")
    return key


def new_complaint_id() -> str:
    """An unguessable complaint id, for backends that have no id of their own."""
    return f"c-{secrets.token_urlsafe(16)}"
