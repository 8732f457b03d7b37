"""The Python SDK backend services use to file complaints and act on them (docs/sdk.md)."""

from schemas.waits import WaitFor
from sdk.client import ComplaintClient, ComplaintSummary, FiledComplaint, ReplyReceipt
from sdk.errors import (
    ComplaintBusy,
    ComplaintClosed,
    ComplaintError,
    IntakeRefused,
    InvalidAction,
    PolicyNotAvailable,
    UnknownComplaint,
    WaitTimedOut,
)
from wire.connection import connect, connect_config, data_converter

__all__ = [
    "ComplaintBusy",
    "ComplaintClient",
    "ComplaintClosed",
    "ComplaintError",
    "ComplaintSummary",
    "FiledComplaint",
    "InvalidAction",
    "IntakeRefused",
    "PolicyNotAvailable",
    "ReplyReceipt",
    "UnknownComplaint",
    "WaitFor",
    "WaitTimedOut",
    "connect",
    "connect_config",
    "data_converter",
]
