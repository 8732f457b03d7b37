"""The payload codec: AES-256-GCM seals each payload, names its key, and rotates keys."""

from __future__ import annotations

import base64

import pytest
from temporalio.api.common.v1 import Payload

from wire.codec import (
    ENCODING,
    KEY_ENV,
    KEY_ID_HEADER,
    OLD_KEYS_ENV,
    EncryptionCodec,
    PayloadKeyError,
    key_id,
    keys_from_env,
    new_key,
    parse_key,
)

KEY, OLD_KEY = bytes(range(32)), bytes(range(1, 33))


def _payload(text: str) -> Payload:
    return Payload(metadata={"encoding": b"json/plain"}, data=text.encode())


async def test_payloads_are_sealed_and_open_again() -> None:
    codec = EncryptionCodec(KEY)
    original = _payload('{"email": "mari@example.ee"}')
    [sealed] = await codec.encode([original])
    assert sealed.metadata["encoding"] == ENCODING
    assert sealed.metadata[KEY_ID_HEADER] == key_id(KEY).encode()
    assert b"mari@example.ee" not in sealed.SerializeToString()
    assert await codec.decode([sealed]) == [original]
    [again] = await codec.encode([original])
    assert again.data != sealed.data  # a fresh nonce every time


async def test_a_tampered_or_foreign_payload_is_refused() -> None:
    codec = EncryptionCodec(KEY)
    [sealed] = await codec.encode([_payload('{"amount": "49.90"}')])
    tampered = Payload()
    tampered.CopyFrom(sealed)
    tampered.data = sealed.data[:-1] + bytes([sealed.data[-1] ^ 1])
    with pytest.raises(PayloadKeyError, match="failed authentication"):
        await codec.decode([tampered])
    relabelled = Payload()
    relabelled.CopyFrom(sealed)
    relabelled.metadata[KEY_ID_HEADER] = key_id(OLD_KEY).encode()
    with pytest.raises(PayloadKeyError, match="not configured"):
        await codec.decode([relabelled])
    with pytest.raises(PayloadKeyError, match="not configured"):
        await EncryptionCodec(OLD_KEY).decode([sealed])


async def test_keys_rotate_and_plain_payloads_from_before_still_read() -> None:
    [old_sealed] = await EncryptionCodec(OLD_KEY).encode([_payload('"old"')])
    rotated = EncryptionCodec(KEY, old_keys=[OLD_KEY])
    assert await rotated.decode([old_sealed]) == [_payload('"old"')]
    [new_sealed] = await rotated.encode([_payload('"new"')])
    assert new_sealed.metadata[KEY_ID_HEADER] == key_id(KEY).encode()  # old keys never encrypt
    plain = _payload('"written before encryption was on"')
    assert await rotated.decode([plain]) == [plain]


def test_keys_come_from_the_environment_and_are_never_echoed() -> None:
    key = new_key()
    assert keys_from_env({}) == (None, [])
    assert keys_from_env({KEY_ENV: key}) == (base64.b64decode(key), [])
    current, old = keys_from_env({KEY_ENV: key, OLD_KEYS_ENV: f" {new_key()} ,{new_key()}"})
    assert current == base64.b64decode(key) and len(old) == 2
    secret = base64.b64encode(b"s" * 31).decode()
    for bad, why in ((secret, "must decode to 32 bytes"), ("not base64!", "not valid base64")):
        with pytest.raises(PayloadKeyError, match=why) as refused:
            parse_key(bad)
        assert bad not in str(refused.value)
    with pytest.raises(PayloadKeyError, match="is not"):
        keys_from_env({OLD_KEYS_ENV: key})
