"""The `ApplicationError.type` of every failure the engine raises on purpose.

Clients match on these values (the SDK turns refusals into its own exceptions), so each
is written once, here.
"""

from __future__ import annotations

from enum import StrEnum


class FailureType(StrEnum):
    INVALID_ACTION = "InvalidAction"
    """An update the complaint refused: wrong state, or beyond the actor's authority."""
    INVALID_INPUT = "InvalidInput"
    """A start or update argument that does not decode to its model."""
    REMEDY_REFUSED = "RemedyRefused"
    """The commerce backend refused the remedy (details[0] is the `RemedyRefused` code)."""
    BACKEND_CONTRACT = "BackendContractError"
    """A service rejected the request itself (details[0] is the HTTP status); not retried."""
    BACKEND_UNAVAILABLE = "BackendUnavailable"
    """A service could not answer now; retried, sooner or later as it asked."""
    UNKNOWN_POLICY = "UnknownPolicy"
    """The policy store has no such version: the complaint fails at its start."""
    WAIT_TIMED_OUT = "WaitTimedOut"
    """A client's `wait_until` (or filing with a wait) timed out before the complaint got
    there; nothing was recorded."""
    INTAKE_REFUSED = "IntakeRefused"
    """The intake does not fit the policy it would run under (money in a currency the
    policy does not take): the complaint fails at its start, having said and done nothing."""
    POLICY_REFUSED = "PolicyRefused"
    """The policy document is invalid or out of the worker's bounds: the complaint fails at
    its start."""


POLICY_FAILURES = frozenset({FailureType.UNKNOWN_POLICY, FailureType.POLICY_REFUSED})
"""Why a complaint could not start under the policy it named."""
REFUSALS = frozenset({FailureType.INVALID_ACTION, FailureType.INVALID_INPUT})
"""Update failures that mean "not accepted, nothing recorded"."""
