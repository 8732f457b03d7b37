"""Ed25519 signatures over staff assertions: sign where a person is authenticated, verify
in the workflow against the public key the staff directory holds for them.

Pure computation, so the update validator can verify deterministically. The signed bytes
are the assertion's canonical JSON (sorted keys, no spaces), which any language can rebuild.
"""

from __future__ import annotations

import base64
import json

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from schemas.staff import SignedAssertion, StaffAssertion


def canonical(assertion: StaffAssertion) -> bytes:
    return json.dumps(
        assertion.model_dump(mode="json"), sort_keys=True, separators=(",", ":")
    ).encode()


def sign(assertion: StaffAssertion, key: Ed25519PrivateKey) -> SignedAssertion:
    return SignedAssertion(assertion=assertion, signature=_b64(key.sign(canonical(assertion))))


def verifies(signed: SignedAssertion, public_key: str) -> bool:
    """Whether the signature is the holder of `public_key`'s, over exactly this assertion."""
    try:
        key = Ed25519PublicKey.from_public_bytes(_unb64(public_key))
        key.verify(_unb64(signed.signature), canonical(signed.assertion))
    except (InvalidSignature, ValueError):
        return False
    return True


def public_key_of(key: Ed25519PrivateKey) -> str:
    return _b64(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
