"""The console's key store: each staff member's Ed25519 signing key, `<staff_id>.pem`.

The workflow trusts a decision only if it verifies against the public key the staff
directory holds for the person it names, so the console signs as the signed-in person with
their key, kept here on the server: staff never hold keys on their laptops, and the key is
used only after the person's ID token was verified. A member whose key is missing, or whose
key does not match the directory, cannot act through the console (a clear refusal).
"""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.signatures import public_key_of
from schemas.staff import StaffMember
from sdk.signing import load_key


class NoSigningKey(Exception):
    pass


class KeyStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def key_for(self, member: StaffMember) -> Ed25519PrivateKey:
        path = self.folder / f"{member.staff_id}.pem"  # the id pattern has no "/"
        try:
            key = load_key(path)
        except (OSError, ValueError):
            raise NoSigningKey(
                f"the console holds no signing key for {member.staff_id}: ask an operator"
            ) from None
        if public_key_of(key) != member.public_key:
            raise NoSigningKey(
                f"the console's key for {member.staff_id} is not the one the staff directory "
                "lists: ask an operator"
            )
        return key
