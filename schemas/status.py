"""Where a complaint stands: its status, and whom or what it is waiting for."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    RECEIVED = "received"
    AWAITING_DETAILS = "awaiting_details"
    PAUSED = "paused"
    AWAITING_SAFETY = "awaiting_safety"
    """A reported hazard waits for a safety officer's acknowledgement: nothing else happens."""
    IN_PROGRESS = "in_progress"
    AWAITING_CHOICE = "awaiting_choice"
    DECLINED = "declined"
    """Refused by policy: the customer may take an alternative or appeal."""
    AWAITING_MANAGER = "awaiting_manager"
    RESOLVED = "resolved"
    """Remedy carried out; the follow-up timer runs."""
    AWAITING_CONFIRMATION = "awaiting_confirmation"
    IN_OPERATIONS = "in_operations"
    """Nobody acted after the policy's reminders: the operations queue reassigns it."""
    CLOSED = "closed"


class WaitingOn(StrEnum):
    """Who or what a complaint is waiting for, worded to follow "waiting for"."""

    DETAILS = "the customer's missing details"
    SPECIALIST = "a specialist to resume the conversation"
    SAFETY = "a safety officer to acknowledge the reported hazard"
    CHOICE = "the customer's choice of solution"
    DECLINE_ANSWER = "the customer's answer to the decline"
    MANAGER = "a manager's decision"
    FOLLOW_UP_DATE = "the follow-up date"
    FOLLOW_UP_ANSWER = "the customer's answer to the follow-up"
    OPERATIONS = "operations to reassign the complaint"
    SURVEY_DATE = "the satisfaction survey's date"
    REOPEN_WINDOW = "a reply within the reopen window"
