"""What can go wrong when a backend service acts on a complaint, as exceptions it can catch.

Input that does not fit our models is not wrapped: it raises pydantic's own
`ValidationError` when the model is built, before anything is sent, with the
field-by-field detail pydantic gives.
"""

from __future__ import annotations

from domain import errors as domain


class ComplaintError(Exception):
    """Base of every error the SDK raises on purpose."""

    def __init__(self, complaint_id: str, message: str) -> None:
        super().__init__(message)
        self.complaint_id = complaint_id
        self.message = message


class UnknownComplaint(ComplaintError, LookupError):
    """No complaint was ever filed under this id (in this namespace)."""

    def __init__(self, complaint_id: str) -> None:
        super().__init__(complaint_id, f"no complaint {complaint_id!r} was filed")


class InvalidAction(ComplaintError, domain.InvalidAction):
    """The complaint refused the action; `message` is the workflow's reason, for a person.

    Nothing was recorded: a refused action never reaches the complaint's history. It is
    a `domain.errors.InvalidAction`, so one ``except`` catches a refusal from either side.
    """


class ComplaintClosed(InvalidAction):
    """The complaint is closed: it takes no more actions."""

    def __init__(self, complaint_id: str) -> None:
        super().__init__(complaint_id, f"complaint {complaint_id!r} is closed")


class ComplaintBusy(ComplaintError):
    """The complaint could not take the action now (overload, an abort, an outage), after
    retries with one update id: sending it again with the same `request_id` is safe."""

    def __init__(self, complaint_id: str, update_id: str, reason: str) -> None:
        super().__init__(
            complaint_id,
            f"complaint {complaint_id!r} did not take the action in time ({reason}); "
            "nothing happened twice: retry with the same request_id",
        )
        self.update_id = update_id


class IntakeRefused(ComplaintError):
    """The complaint could not start: its intake does not fit the policy it would run under
    (a purchase amount in a currency the policy does not take). `message` says why; nothing
    was said or done for the complaint."""


class PolicyNotAvailable(ComplaintError):
    """The complaint could not start under the policy it named: the workers' store has no
    such version, or refuses its document. `message` is the store's reason; nothing was
    said or done for the complaint."""


class WaitTimedOut(ComplaintError, TimeoutError):
    """The complaint did not reach what `wait_until` (or a filing's `until`) waited for in
    time; `message` says what and how long. Nothing was recorded: waiting again is safe."""
