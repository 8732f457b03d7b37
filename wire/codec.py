"""AES-GCM encryption of Temporal payloads, optional or required.

Workflow inputs, update arguments, activity arguments and results carry the
customer's name and contact details. The Temporal server stores them in its
history for as long as the complaint lives (days), so with a key configured
every payload leaves the process encrypted and the server only ever holds
ciphertext. Only processes holding the key (workers, the SDK, a codec server for
the UI) can read a complaint.

Each encrypted payload names the key it was sealed with (a fingerprint, not the
key), so keys can be rotated: the current key encrypts, old keys still decrypt.

Every process has this codec, with or without a key, so that what it cannot read
is never mistaken for bad input. Decoding sorts payloads three ways:

- **Cannot decrypt (yet)**: sealed with a key this process does not hold (no key
  at all, or a key id it does not know). `CannotDecrypt` is raised: in a worker
  the workflow task fails, loudly and retryably, and the complaint goes on once
  a worker with the key picks it up. It is a configuration problem, never the
  complaint's fault.
- **Refused**: a payload that no key will ever make acceptable: sealed with a key
  we hold but failing authentication (tampered or corrupt), or plaintext while
  ``COMPLAINTS_REQUIRE_ENCRYPTION`` is set. It is replaced by a *refusal
  placeholder* (encoding ``binary/refused``, the reason in its metadata, the
  original bytes dropped), which `wire.converter` turns into an ``InvalidInput``
  refusal for a start or update argument and into a loud retryable error for
  anything else.
- Otherwise the decrypted payload, or, with encryption not required, a plaintext
  payload as it is (written before encryption was switched on).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import os
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec

ENCODING = b"binary/encrypted"
KEY_ID_HEADER = "encryption-key-id"
REFUSED_ENCODING = b"binary/refused"
"""The placeholder for a payload decoding refused; its reason is in `REFUSED_HEADER`."""
REFUSED_HEADER = "refused"
KEY_ENV = "COMPLAINTS_PAYLOAD_KEY"
"""Base64 of 32 random bytes; ``python -m wire.codec`` prints a fresh one."""
OLD_KEYS_ENV = "COMPLAINTS_PAYLOAD_OLD_KEYS"
"""Comma-separated base64 keys that may still decrypt (rotation), never used to encrypt."""
REQUIRE_ENV = "COMPLAINTS_REQUIRE_ENCRYPTION"
"""``1``: no process starts without a key, and plaintext payloads are refused."""
KEY_BYTES = 32
_NONCE_BYTES = 12
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"", "0", "false", "no", "off"}

logger = logging.getLogger(__name__)


class PayloadKeyError(ValueError):
    """A key setting that is malformed or missing, or a payload we hold no key for."""


class CannotDecrypt(PayloadKeyError):
    """A payload sealed with a key this process does not hold: retry with the key, never
    refuse. The message names the key id and the variables, never the payload."""


class EncryptionSettings(NamedTuple):
    key: bytes | None
    """Encrypts (and decrypts); None when this process has no key."""
    old_keys: list[bytes]
    """Decrypt only (rotation)."""
    required: bool
    """Refuse plaintext payloads; never without a key."""


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


def required_from_env(env: Mapping[str, str] | None = None) -> bool:
    """Whether ``COMPLAINTS_REQUIRE_ENCRYPTION`` is on (1/true/yes/on, or 0/false/no/off)."""
    env = os.environ if env is None else env
    value = env.get(REQUIRE_ENV, "").strip().lower()
    if value not in _TRUE | _FALSE:
        raise PayloadKeyError(f"{REQUIRE_ENV} must be 1 or 0, not {value!r}")
    return value in _TRUE


def settings_from_env(env: Mapping[str, str] | None = None) -> EncryptionSettings:
    """Keys and the require flag; refuses a required encryption without a key."""
    key, old_keys = keys_from_env(env)
    required = required_from_env(env)
    if required and key is None:
        raise PayloadKeyError(f"{REQUIRE_ENV} is set but {KEY_ENV} is not: refusing to start")
    return EncryptionSettings(key, old_keys, required)


def new_key() -> str:
    """A fresh random key, base64 as ``COMPLAINTS_PAYLOAD_KEY`` expects it."""
    return base64.b64encode(os.urandom(KEY_BYTES)).decode("ascii")


def key_id(key: bytes) -> str:
    """A stable, non-secret fingerprint naming the key in each payload's metadata."""
    return hashlib.sha256(b"complaints-payload-key\x00" + key).hexdigest()[:16]


def refused(reason: str) -> Payload:
    """The placeholder standing in for a payload refused at decoding (see the module doc)."""
    return Payload(metadata={"encoding": REFUSED_ENCODING, REFUSED_HEADER: reason.encode()})


def refusal_reason(payload: Payload) -> str | None:
    """Why decoding refused this payload, or None when it is not a refusal placeholder."""
    if payload.metadata.get("encoding") != REFUSED_ENCODING:
        return None
    return payload.metadata.get(REFUSED_HEADER, b"refused").decode("utf-8", "replace")


class EncryptionCodec(PayloadCodec):
    """Seal every payload with AES-256-GCM; the key id is authenticated with it.

    Without a key it seals nothing, and raises `CannotDecrypt` for sealed payloads.
    With ``require=True`` (which needs a key) plaintext payloads are refused.
    """

    def __init__(
        self, key: bytes | None, old_keys: Sequence[bytes] = (), *, require: bool = False
    ) -> None:
        if key is None and (old_keys or require):
            what = OLD_KEYS_ENV if old_keys else REQUIRE_ENV
            raise PayloadKeyError(f"{what} is set but {KEY_ENV} is not")
        for k in (key, *old_keys) if key is not None else ():
            if len(k) != KEY_BYTES:
                raise PayloadKeyError(f"an AES-256 key has {KEY_BYTES} bytes, not {len(k)}")
        self._key_id = key_id(key) if key is not None else None
        self._ciphers = {key_id(k): AESGCM(k) for k in (*old_keys, key) if k is not None}
        self._require = require

    @property
    def key_id(self) -> str | None:
        """The id new payloads are sealed with; None when this process has no key."""
        return self._key_id

    @property
    def key_ids(self) -> frozenset[str]:
        """Every key id this codec can decrypt."""
        return frozenset(self._ciphers)

    @property
    def required(self) -> bool:
        return self._require

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        if self._key_id is None:
            return list(payloads)
        return [self._seal(p) for p in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self._open(p) for p in payloads]

    def _seal(self, payload: Payload) -> Payload:
        assert self._key_id is not None
        kid = self._key_id.encode()
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._ciphers[self._key_id].encrypt(nonce, payload.SerializeToString(), kid)
        return Payload(metadata={"encoding": ENCODING, KEY_ID_HEADER: kid}, data=nonce + sealed)

    def _open(self, payload: Payload) -> Payload:
        encoding = payload.metadata.get("encoding", b"")
        if encoding != ENCODING:
            if self._require:
                name = encoding.decode("ascii", "replace") or "unlabelled"
                return self._refuse(
                    f"a {name} payload is not encrypted, and this process requires "
                    f"encryption ({REQUIRE_ENV})"
                )
            return payload
        kid = payload.metadata.get(KEY_ID_HEADER, b"").decode("ascii", "replace")
        cipher = self._ciphers.get(kid)
        if cipher is None:
            raise self._cannot_decrypt(kid)
        nonce, sealed = payload.data[:_NONCE_BYTES], payload.data[_NONCE_BYTES:]
        try:
            return Payload.FromString(cipher.decrypt(nonce, sealed, kid.encode()))
        except InvalidTag:
            return self._refuse(f"a payload sealed with key {kid!r} failed authentication")

    @staticmethod
    def _refuse(reason: str) -> Payload:
        logger.warning("payload.refused: %s", reason)
        return refused(reason)

    def _cannot_decrypt(self, kid: str) -> CannotDecrypt:
        if self._key_id is None:
            why = f"this process has no key ({KEY_ENV} is not set)"
        else:
            why = f"which is not configured ({KEY_ENV} / {OLD_KEYS_ENV})"
        error = CannotDecrypt(
            f"cannot decrypt: a {ENCODING.decode()} payload sealed with key {kid!r}, {why}; "
            "retrying until a process with that key picks it up"
        )
        logger.error("payload.cannot_decrypt: %s", error, extra={"key_id": kid})
        return error


def describe_keys(env: Mapping[str, str] | None = None) -> str:
    """The configured keys by the ids payloads carry (``python -m wire.codec ids``), to
    tell which key a payload, a log line or a failed workflow task names."""
    settings = settings_from_env(env)
    if settings.key is None:
        return f"no key: {KEY_ENV} is not set"
    lines = [f"current {key_id(settings.key)}"]
    lines += [f"old     {key_id(k)}" for k in settings.old_keys]
    lines.append(f"required {'yes' if settings.required else 'no'} ({REQUIRE_ENV})")
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    # `python -m wire.codec` prints a fresh key; `python -m wire.codec ids` names the keys.
    try:
        print(describe_keys() if sys.argv[1:] == ["ids"] else new_key())
    except PayloadKeyError as error:
        raise SystemExit(f"wire.codec: {error}") from None
