"""The one data converter every client and worker of the complaint engine uses.

Pydantic JSON for our models, plus three guards:

- Strict workflow inputs: the start argument and every update argument come from
  outside. When one does not decode to its declared model (a malformed payload,
  a ``null``), it is refused with a readable `ApplicationError` of type
  ``InvalidInput`` instead of a decoding error: an update is rejected before it
  touches history, and a start fails the workflow at once with the reason. Left
  to the SDK default, a bad start argument (or a ``null`` update argument that
  slips past a validator) fails workflow tasks, retried forever.
- Encryption (`wire.codec`): with a key, the server stores ciphertext, failure
  messages and stack traces included (`SealedFailureConverter`). Every process
  has the codec, with or without a key, so a payload it cannot decrypt fails the
  workflow task (retried until a worker with the key runs) instead of passing
  for invalid input; a payload decoding refused (plaintext while encryption is
  required, a forged ciphertext) is refused like invalid input.

Clients and workers must share the same key (see `wire.codec`); the message
of a refusal lists fields and errors only, never the values sent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError
from temporalio.api.common.v1 import Payload
from temporalio.api.failure.v1 import Failure
from temporalio.contrib.pydantic import PydanticPayloadConverter
from temporalio.converter import DataConverter, DefaultFailureConverter, PayloadConverter
from temporalio.exceptions import ApplicationError

from schemas.actions import (
    Appeal,
    CustomerChoice,
    FollowUpAnswer,
    ReopenRequest,
    SurveyAnswer,
    Withdrawal,
)
from schemas.complaint import ComplaintInput
from schemas.failures import FailureType
from schemas.intake import CustomerDetails
from schemas.staff import SignedAssertion
from wire.codec import (
    ENCODING,
    CannotDecrypt,
    EncryptionCodec,
    refusal_reason,
    settings_from_env,
)

EXTERNAL_INPUTS: tuple[type, ...] = (
    ComplaintInput,
    CustomerDetails,
    CustomerChoice,
    Appeal,
    FollowUpAnswer,
    Withdrawal,
    ReopenRequest,
    SurveyAnswer,
    SignedAssertion,
)
"""What callers send to `ComplaintWorkflow` (its start and update arguments)."""

# By name, not identity: the workflow sandbox may hold its own copy of a class.
_EXTERNAL = {(t.__module__, t.__qualname__): t for t in EXTERNAL_INPUTS}


def _external(hint: Any) -> str | None:
    key = (getattr(hint, "__module__", None), getattr(hint, "__qualname__", None))
    return key[1] if key in _EXTERNAL else None


def describe(error: ValidationError) -> str:
    """Field paths and what is wrong with them, without the offending values."""
    parts = []
    for e in error.errors(include_url=False, include_input=False, include_context=False):
        where = ".".join(str(p) for p in e["loc"]) or "(root)"
        parts.append(f"{where}: {e['msg']}")
    return "; ".join(parts)


def _refusal(name: str, why: str) -> ApplicationError:
    return ApplicationError(
        f"invalid {name}: {why}", type=FailureType.INVALID_INPUT, non_retryable=True
    )


class SealRefusal(ApplicationError):
    """An input refused for how it came sealed (plaintext where encryption is required,
    or a forged ciphertext), never for what it says: its message stays readable, so a
    client without the key learns why."""

    def __init__(self, name: str, why: str) -> None:
        super().__init__(
            f"invalid {name}: {why}", type=FailureType.INVALID_INPUT, non_retryable=True
        )


class PayloadRefused(RuntimeError):
    """A payload other than a start or update argument that decoding refused: retried
    (loudly) rather than failing the complaint, like a payload we cannot decrypt."""


def _check_sealing(payloads: Sequence[Payload], names: list[str | None]) -> None:
    """Undecryptable payloads are retried, refused ones refused; before any decoding."""
    for index, payload in enumerate(payloads):
        name = names[index] if index < len(names) else None
        if payload.metadata.get("encoding") == ENCODING:
            # No codec opened it: a converter used without our codec. Never invalid input.
            raise CannotDecrypt(
                "cannot decrypt: a binary/encrypted payload reached a converter "
                "without the payload codec"
            )
        reason = refusal_reason(payload)
        if reason is None:
            continue
        if name:
            raise SealRefusal(name, reason)
        raise PayloadRefused(f"payload refused: {reason}")


class InputPayloadConverter(PydanticPayloadConverter):
    """Pydantic JSON, refusing external inputs that do not decode to their model."""

    def from_payloads(
        self, payloads: Sequence[Payload], type_hints: list[type] | None = None
    ) -> list[Any]:
        names = [_external(h) for h in type_hints or []]
        _check_sealing(payloads, names)
        if not any(names):
            return super().from_payloads(payloads, type_hints)
        name = next(n for n in names if n)
        try:
            values = super().from_payloads(payloads, type_hints)
        except ValidationError as error:
            raise _refusal(name, describe(error)) from None
        except (ValueError, KeyError, RuntimeError) as error:  # undecodable JSON, unknown encoding
            raise _refusal(name, f"undecodable payload ({type(error).__name__})") from None
        for value, hint, n in zip(values, type_hints or [], names, strict=False):
            if n and not isinstance(value, hint):
                raise _refusal(n, f"expected a {n} object, got {type(value).__name__}")
        return values


class SealedFailureConverter(DefaultFailureConverter):
    """Failure messages and stack traces move into the (encrypted) encoded attributes.

    Two kinds stay readable, because they say only how a payload was sealed, and the
    process that needs to read them may lack the key: `CannotDecrypt` (the workflow
    task failure of a worker without the key) and `SealRefusal`.
    """

    def __init__(self) -> None:
        super().__init__(encode_common_attributes=True)

    def to_failure(
        self, exception: BaseException, payload_converter: PayloadConverter, failure: Failure
    ) -> None:
        super().to_failure(exception, payload_converter, failure)
        if isinstance(exception, CannotDecrypt | SealRefusal):
            failure.ClearField("encoded_attributes")
            failure.message = str(exception)


def data_converter(
    key: bytes | None = None, old_keys: Sequence[bytes] = (), *, require: bool = False
) -> DataConverter:
    """Pydantic JSON with strict inputs; AES-GCM encrypted, failures included, when a key
    is given; plaintext refused when `require` (which needs a key)."""
    codec = EncryptionCodec(key, old_keys, require=require)
    failures = SealedFailureConverter if key is not None else DefaultFailureConverter
    return DataConverter(
        payload_converter_class=InputPayloadConverter,
        payload_codec=codec,
        failure_converter_class=failures,
    )


def data_converter_from_env(env: Mapping[str, str] | None = None) -> DataConverter:
    """`data_converter` from ``COMPLAINTS_PAYLOAD_KEY``, ``COMPLAINTS_PAYLOAD_OLD_KEYS`` and
    ``COMPLAINTS_REQUIRE_ENCRYPTION``; raises `PayloadKeyError` when encryption is
    required and there is no key, so no client or worker starts that way."""
    settings = settings_from_env(env)
    return data_converter(settings.key, settings.old_keys, require=settings.required)


def requires_encryption(converter: DataConverter) -> bool:
    """Whether `converter` encrypts and refuses plaintext (what a required setting needs)."""
    codec = converter.payload_codec
    return isinstance(codec, EncryptionCodec) and codec.required and codec.key_id is not None
