"""The data converter sorts what it cannot read: no key is a retry, plaintext where
encryption is required (or a forged ciphertext) is refused, a bad model is refused;
and failure messages travel encrypted."""

from __future__ import annotations

from decimal import Decimal

import pytest
from temporalio.api.common.v1 import Payload
from temporalio.api.failure.v1 import Failure
from temporalio.converter import DefaultFailureConverter
from temporalio.exceptions import ApplicationError

from schemas.actions import DecisionKind
from schemas.failures import FailureType
from schemas.remedies import Remedy, RemedyKind
from schemas.staff import SignedAssertion
from tests import signing
from wire.codec import (
    KEY_ENV,
    KEY_ID_HEADER,
    REQUIRE_ENV,
    CannotDecrypt,
    EncryptionCodec,
    PayloadKeyError,
    key_id,
)
from wire.converter import (
    PayloadRefused,
    SealedFailureConverter,
    SealRefusal,
    data_converter,
    data_converter_from_env,
    requires_encryption,
)

KEY, OTHER_KEY = bytes(range(32)), bytes(range(1, 33))
DECISION = signing.decision(
    "c-1001",
    DecisionKind.OVERRIDE,
    Remedy(kind=RemedyKind.REFUND, amount=Decimal("449")),
    "Card statement shows the purchase",
)
"""A manager's signed override: what a plaintext client must not slip in."""


async def _decode(converter, payloads: list[Payload], hint: type) -> object:
    [value] = await converter.decode(payloads, [hint])
    return value


async def test_a_required_converter_refuses_a_plaintext_input_and_reads_a_sealed_one() -> None:
    plaintext = data_converter().payload_converter.to_payloads([DECISION])
    required = data_converter(KEY, require=True)
    with pytest.raises(SealRefusal) as refused:
        await _decode(required, plaintext, SignedAssertion)
    assert refused.value.type == FailureType.INVALID_INPUT and refused.value.non_retryable
    assert "invalid SignedAssertion" in refused.value.message
    assert "not encrypted" in refused.value.message and REQUIRE_ENV in refused.value.message

    sealed = await required.encode([DECISION])
    assert await _decode(required, sealed, SignedAssertion) == DECISION
    assert requires_encryption(required) and not requires_encryption(data_converter(KEY))


async def test_a_forged_ciphertext_is_refused_a_foreign_one_is_retried() -> None:
    converter = data_converter(KEY)
    [sealed] = await converter.encode([DECISION])
    forged = Payload()
    forged.CopyFrom(sealed)
    forged.data = sealed.data[:-1] + bytes([sealed.data[-1] ^ 1])
    with pytest.raises(SealRefusal, match="failed authentication"):
        await _decode(converter, [forged], SignedAssertion)
    # Sealed with a key this process lacks: never InvalidInput, it is retried.
    for reader in (data_converter(OTHER_KEY), data_converter()):
        with pytest.raises(CannotDecrypt) as cannot:
            await _decode(reader, [sealed], SignedAssertion)
        assert not isinstance(cannot.value, ApplicationError)
        assert key_id(KEY) in str(cannot.value)


async def test_sealed_or_refused_payloads_never_pass_for_invalid_input() -> None:
    [sealed] = await data_converter(KEY).encode([DECISION])
    # A converter used without the codec (the SDK's plain one, say) sees ciphertext.
    bare = data_converter().payload_converter
    with pytest.raises(CannotDecrypt):
        bare.from_payloads([sealed], [SignedAssertion])
    # A refused payload that is not a start or update argument: retried, loudly.
    required = data_converter(KEY, require=True)
    plaintext = data_converter().payload_converter.to_payloads(["an activity result"])
    with pytest.raises(PayloadRefused, match="not encrypted"):
        await required.decode(plaintext, [str])


async def test_failure_messages_and_stack_traces_are_encrypted() -> None:
    converter = data_converter(KEY)
    failure = Failure()
    try:
        raise ApplicationError("order UNKNOWN-ORD-77 not found", type="RemedyRefused")
    except ApplicationError as error:
        await converter.encode_failure(error, failure)
    raw = failure.SerializeToString()
    assert failure.message == "Encoded failure" and failure.stack_trace == ""
    assert b"UNKNOWN-ORD-77" not in raw and b"test_converter" not in raw
    assert failure.encoded_attributes.metadata[KEY_ID_HEADER] == key_id(KEY).encode()
    assert failure.application_failure_info.type == "RemedyRefused"  # types stay in clear

    with pytest.raises(CannotDecrypt):
        await data_converter().decode_failure(Failure.FromString(raw))
    decoded = await data_converter(KEY).decode_failure(Failure.FromString(raw))
    assert isinstance(decoded, ApplicationError)
    assert decoded.message == "order UNKNOWN-ORD-77 not found"


async def test_failures_about_sealing_stay_readable_without_the_key() -> None:
    converter = data_converter(KEY)
    for error in (
        CannotDecrypt("cannot decrypt: sealed with key 'abc'"),
        SealRefusal("SignedAssertion", "a json/plain payload is not encrypted"),
    ):
        failure = Failure()
        await converter.encode_failure(error, failure)
        assert not failure.HasField("encoded_attributes")
        decoded = await data_converter().decode_failure(failure)
        assert str(error) in str(decoded)


def test_the_environment_decides_and_a_required_key_is_never_missing() -> None:
    keyless = data_converter_from_env({})
    assert isinstance(keyless.payload_codec, EncryptionCodec)  # so ciphertext is retried
    assert keyless.payload_codec.key_id is None
    assert type(keyless.failure_converter) is DefaultFailureConverter
    key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="  # bytes(range(32))
    sealed = data_converter_from_env({KEY_ENV: key, REQUIRE_ENV: "1"})
    assert requires_encryption(sealed)
    assert isinstance(sealed.failure_converter, SealedFailureConverter)
    with pytest.raises(PayloadKeyError, match=f"{REQUIRE_ENV} is set but {KEY_ENV} is not"):
        data_converter_from_env({REQUIRE_ENV: "1"})
