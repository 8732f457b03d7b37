"""Optional AES-GCM encryption of Temporal payloads.

Workflow inputs, update arguments, activity arguments and results carry the
customer's name and contact details. The Temporal server stores them in its
history for as long as the complaint lives (days), so with a key configured
every payload leaves the process encrypted and the server only ever holds
ciphertext. Only processes holding the key (workers, the SDK, a codec server for
the UI) can read a complaint.

Each encrypted payload names the key it was sealed with (a fingerprint, not the
key), so keys can be rotated: the current key encrypts, old keys still decrypt.
Payloads written before encryption was switched on pass through unchanged, so
turning it on never strands a complaint already in flight.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import Mapping, Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec

ENCODING = b"binary/encrypted"
KEY_ID_HEADER = "encryption-key-id"
KEY_ENV = "COMPLAINTS_PAYLOAD_KEY"
"""Base64 of 32 random bytes; ``python -m wire.codec`` prints a fresh one."""
OLD_KEYS_ENV = "COMPLAINTS_PAYLOAD_OLD_KEYS"
"""Comma-separated base64 keys that may still decrypt (rotation), never used to encrypt."""
KEY_BYTES = 32
_NONCE_BYTES = 12


class PayloadKeyError(ValueError):
    """A key that is malformed, or a payload sealed with a key we do not hold."""


def parse_key(text: str, source: str = KEY_ENV) -> bytes:
    """Decode a base64 key; the message never echoes the (possibly secret) text."""
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise PayloadKeyError(f"{source} is not valid base64") from None
    if len(key) != KEY_BYTES:
        raise PayloadKeyError(f"{source} must decode to {KEY_BYTES} bytes, not {len(key)}")
    return key


def keys_from_env(env: Mapping[str, str] | None = None) -> tuple[bytes | None, list[bytes]]:
    """(current key or None when encryption is off, old keys kept for decryption)."""
    env = os.environ if env is None else env
    current = env.get(KEY_ENV, "").strip()
    old = [k for k in env.get(OLD_KEYS_ENV, "").split(",") if k.strip()]
    if not current:
        if old:
            raise PayloadKeyError(f"{OLD_KEYS_ENV} is set but {KEY_ENV} is not")
        return None, []
    return parse_key(current), [parse_key(k, OLD_KEYS_ENV) for k in old]


def new_key() -> str:
    """A fresh random key, base64 as ``COMPLAINTS_PAYLOAD_KEY`` expects it."""
    return base64.b64encode(os.urandom(KEY_BYTES)).decode("ascii")


def key_id(key: bytes) -> str:
    """A stable, non-secret fingerprint naming the key in each payload's metadata."""
    return hashlib.sha256(b"complaints-payload-key\x00" + key).hexdigest()[:16]


class EncryptionCodec(PayloadCodec):
    """Seal every payload with AES-256-GCM; the key id is authenticated with it."""

    def __init__(self, key: bytes, old_keys: Sequence[bytes] = ()) -> None:
        for k in (key, *old_keys):
            if len(k) != KEY_BYTES:
                raise PayloadKeyError(f"an AES-256 key has {KEY_BYTES} bytes, not {len(k)}")
        self._key_id = key_id(key)
        self._ciphers = {key_id(k): AESGCM(k) for k in (*old_keys, key)}

    @property
    def key_id(self) -> str:
        return self._key_id

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self._seal(p) for p in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self._open(p) if p.metadata.get("encoding") == ENCODING else p for p in payloads]

    def _seal(self, payload: Payload) -> Payload:
        kid = self._key_id.encode()
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._ciphers[self._key_id].encrypt(nonce, payload.SerializeToString(), kid)
        return Payload(metadata={"encoding": ENCODING, KEY_ID_HEADER: kid}, data=nonce + sealed)

    def _open(self, payload: Payload) -> Payload:
        kid = payload.metadata.get(KEY_ID_HEADER, b"")
        cipher = self._ciphers.get(kid.decode("ascii", "replace"))
        if cipher is None:
            raise PayloadKeyError(
                f"payload was encrypted with key {kid.decode('ascii', 'replace')!r}, "
                f"which is not configured ({KEY_ENV} / {OLD_KEYS_ENV})"
            )
        nonce, sealed = payload.data[:_NONCE_BYTES], payload.data[_NONCE_BYTES:]
        try:
            return Payload.FromString(cipher.decrypt(nonce, sealed, kid))
        except InvalidTag:
            raise PayloadKeyError(
                f"payload sealed with key {kid.decode()!r} failed authentication"
            ) from None


if __name__ == "__main__":
    print(new_key())
