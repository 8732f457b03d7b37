"""The one data converter every client and worker of the complaint engine uses.

Pydantic JSON for our models, plus two guards:

- Strict workflow inputs: the start argument and every update argument come from
  outside. When one does not decode to its declared model (a malformed payload,
  a ``null``), it is refused with a readable `ApplicationError` of type
  ``InvalidInput`` instead of a decoding error: an update is rejected before it
  touches history, and a start fails the workflow at once with the reason. Left
  to the SDK default, a bad start argument (or a ``null`` update argument that
  slips past a validator) fails workflow tasks, retried forever.
- Optional encryption (`wire.codec`): with a key, the server stores ciphertext.

Clients and workers must share the same key (see `wire.codec`); the message
of a refusal lists fields and errors only, never the values sent, because it is
stored in history unencrypted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError
from temporalio.api.common.v1 import Payload
from temporalio.contrib.pydantic import PydanticPayloadConverter
from temporalio.converter import DataConverter
from temporalio.exceptions import ApplicationError

from schemas.actions import (
    Appeal,
    CustomerChoice,
    FollowUpAnswer,
    Withdrawal,
)
from schemas.complaint import ComplaintInput
from schemas.failures import FailureType
from schemas.intake import CustomerDetails
from schemas.staff import SignedAssertion
from wire.codec import EncryptionCodec, keys_from_env

EXTERNAL_INPUTS: tuple[type, ...] = (
    ComplaintInput,
    CustomerDetails,
    CustomerChoice,
    Appeal,
    FollowUpAnswer,
    Withdrawal,
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


class InputPayloadConverter(PydanticPayloadConverter):
    """Pydantic JSON, refusing external inputs that do not decode to their model."""

    def from_payloads(
        self, payloads: Sequence[Payload], type_hints: list[type] | None = None
    ) -> list[Any]:
        names = [_external(h) for h in type_hints or []]
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


def data_converter(key: bytes | None = None, old_keys: Sequence[bytes] = ()) -> DataConverter:
    """Pydantic JSON with strict inputs; AES-GCM encrypted when a key is given."""
    codec = EncryptionCodec(key, old_keys) if key else None
    return DataConverter(payload_converter_class=InputPayloadConverter, payload_codec=codec)


def data_converter_from_env(env: Mapping[str, str] | None = None) -> DataConverter:
    """`data_converter` with the key (if any) from ``COMPLAINTS_PAYLOAD_KEY``."""
    key, old_keys = keys_from_env(env)
    return data_converter(key, old_keys)
