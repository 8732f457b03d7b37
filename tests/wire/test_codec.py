"""The payload codec: AES-256-GCM seals each payload, names its key, and rotates keys;
what it cannot open yet is an error to retry, what it never will open is refused."""

from __future__ import annotations

import base64
import logging

import pytest
from temporalio.api.common.v1 import Payload

from wire.codec import (
    ENCODING,
    KEY_ENV,
    KEY_ID_HEADER,
    OLD_KEYS_ENV,
    REQUIRE_ENV,
    CannotDecrypt,
    EncryptionCodec,
    PayloadKeyError,
    describe_keys,
    key_id,
    keys_from_env,
    new_key,
    parse_key,
    refusal_reason,
    settings_from_env,
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


async def test_a_tampered_payload_is_refused_and_a_foreign_one_cannot_be_decrypted() -> None:
    codec = EncryptionCodec(KEY)
    [sealed] = await codec.encode([_payload('{"amount": "49.90"}')])
    tampered = Payload()
    tampered.CopyFrom(sealed)
    tampered.data = sealed.data[:-1] + bytes([sealed.data[-1] ^ 1])
    [refused] = await codec.decode([tampered])  # no key will ever open it: refused
    assert (
        refusal_reason(refused)
        == f"a payload sealed with key {key_id(KEY)!r} failed authentication"
    )
    assert refused.data == b""
    relabelled = Payload()
    relabelled.CopyFrom(sealed)
    relabelled.metadata[KEY_ID_HEADER] = key_id(OLD_KEY).encode()
    with pytest.raises(CannotDecrypt, match="not configured"):  # another key might: retry
        await codec.decode([relabelled])
    with pytest.raises(CannotDecrypt, match="not configured"):
        await EncryptionCodec(OLD_KEY).decode([sealed])


async def test_a_process_without_a_key_seals_nothing_and_cannot_decrypt() -> None:
    keyless = EncryptionCodec(None)
    plain = _payload('"hello"')
    assert await keyless.encode([plain]) == [plain]
    assert await keyless.decode([plain]) == [plain]
    [sealed] = await EncryptionCodec(KEY).encode([plain])
    with pytest.raises(
        CannotDecrypt, match=f"binary/encrypted.*{key_id(KEY)}.*{KEY_ENV} is not set"
    ):
        await keyless.decode([sealed])
    assert keyless.key_id is None and keyless.key_ids == frozenset()


async def test_required_encryption_refuses_plaintext_and_still_opens_sealed(caplog) -> None:
    codec = EncryptionCodec(KEY, require=True)
    with caplog.at_level(logging.WARNING, logger="wire.codec"):
        [refused] = await codec.decode([_payload('{"kind": "approve"}')])
    assert [r.getMessage() for r in caplog.records] == [
        f"payload.refused: {refusal_reason(refused)}"
    ]
    reason = refusal_reason(refused)
    assert reason is not None and "not encrypted" in reason and REQUIRE_ENV in reason
    assert b"approve" not in refused.SerializeToString()  # the plaintext goes no further
    [sealed] = await codec.encode([_payload('"ok"')])
    assert await codec.decode([sealed]) == [_payload('"ok"')]
    with pytest.raises(PayloadKeyError, match=f"{REQUIRE_ENV} is set but {KEY_ENV} is not"):
        EncryptionCodec(None, require=True)


async def test_keys_rotate_and_plain_payloads_from_before_still_read() -> None:
    [old_sealed] = await EncryptionCodec(OLD_KEY).encode([_payload('"old"')])
    rotated = EncryptionCodec(KEY, old_keys=[OLD_KEY])
    assert await rotated.decode([old_sealed]) == [_payload('"old"')]
    [new_sealed] = await rotated.encode([_payload('"new"')])
    assert new_sealed.metadata[KEY_ID_HEADER] == key_id(KEY).encode()  # old keys never encrypt
    plain = _payload('"written before encryption was on"')
    assert await rotated.decode([plain]) == [plain]
    assert rotated.key_ids == {key_id(KEY), key_id(OLD_KEY)}

    retired = EncryptionCodec(KEY)  # OLD_KEY retired: what it sealed waits for it, loudly
    assert await retired.decode([new_sealed]) == [_payload('"new"')]
    with pytest.raises(CannotDecrypt, match=key_id(OLD_KEY)):
        await retired.decode([old_sealed])


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


def test_required_encryption_without_a_key_refuses_to_start() -> None:
    key = new_key()
    assert settings_from_env({}).required is False
    assert settings_from_env({KEY_ENV: key, REQUIRE_ENV: "1"}).required is True
    assert settings_from_env({KEY_ENV: key, REQUIRE_ENV: "false"}).required is False
    for env in ({REQUIRE_ENV: "1"}, {REQUIRE_ENV: "yes", KEY_ENV: " "}):
        with pytest.raises(PayloadKeyError, match=f"{REQUIRE_ENV} is set but {KEY_ENV} is not"):
            settings_from_env(env)
    with pytest.raises(PayloadKeyError, match=f"{REQUIRE_ENV} must be 1 or 0"):
        settings_from_env({KEY_ENV: key, REQUIRE_ENV: "always"})


def test_the_configured_keys_are_named_by_their_ids() -> None:
    key, old = new_key(), new_key()
    described = describe_keys({KEY_ENV: key, OLD_KEYS_ENV: old, REQUIRE_ENV: "1"})
    assert described.splitlines() == [
        f"current {key_id(base64.b64decode(key))}",
        f"old     {key_id(base64.b64decode(old))}",
        f"required yes ({REQUIRE_ENV})",
    ]
    assert key not in described and old not in described
    assert describe_keys({}) == f"no key: {KEY_ENV} is not set"
