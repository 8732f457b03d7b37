"""What a customer tells us when they complain: validated once, at the edge."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from schemas.locale import TimeZone

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
ComplaintId = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$")
]


class Language(StrEnum):
    """Languages we can answer in; the literature we follow came in these."""

    EN = "en"
    RU = "ru"
    ET = "et"
    HR = "hr"
    ZH = "zh"
    LV = "lv"


class Channel(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    SMS = "sms"
    CHAT = "chat"
    IN_STORE = "in_store"


class Category(StrEnum):
    DEFECTIVE_PRODUCT = "defective_product"
    POOR_SERVICE = "poor_service"
    RUDE_EMPLOYEE = "rude_employee"
    BILLING = "billing"
    DELIVERY = "delivery"
    OTHER = "other"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class DetailField(StrEnum):
    """A fact we can ask the customer for with a closed question (a `CustomerDetails` field)."""

    ORDER_REFERENCE = "order_reference"
    PURCHASE_DATE = "purchase_date"
    RECEIPT_PRESENT = "receipt_present"
    AMOUNT = "amount"
    EMPLOYEE_REFERENCE = "employee_reference"


class Contact(BaseModel):
    """How to reach the customer. Personal data: never logged in clear."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    phone: str | None = Field(default=None, pattern=r"^\+?[0-9 ()-]{5,20}$")

    @model_validator(mode="after")
    def _reachable(self) -> Contact:
        if not (self.email or self.phone):
            raise ValueError("a contact needs an email or a phone number")
        return self


class ComplaintIntake(BaseModel):
    """A complaint as filed by a backend service.

    Optional fields may be missing at first: the workflow asks the customer
    for them (listening comes before solving).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    complaint_id: ComplaintId
    customer_id: NonEmpty
    customer_name: NonEmpty
    contact: Contact
    language: Language = Language.EN
    channel: Channel = Channel.EMAIL
    category: Category
    description: Annotated[str, StringConstraints(strip_whitespace=True, min_length=10)]
    order_reference: NonEmpty | None = None
    amount: Decimal | None = Field(default=None, ge=0, le=1_000_000, decimal_places=2)
    receipt_present: bool | None = None
    purchase_date: date | None = None
    severity: Severity = Severity.MEDIUM
    abusive: bool = False
    employee_reference: NonEmpty | None = None
    """Who the customer complains about, for rude-employee complaints (their staff id)."""
    store: (
        Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")] | None
    ) = None
    """The store or region the complaint is about: it decides which managers may act."""
    time_zone: TimeZone | None = None
    """The customer's IANA time zone: every date and time they read is told in it (by
    default, the policy's `time_zone`)."""


class CustomerDetails(BaseModel):
    """The customer's answer to our questions: only what was asked for may be filled in."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    customer_id: NonEmpty
    """From the backend's authenticated session: only the complaint's own customer may answer."""
    order_reference: NonEmpty | None = None
    amount: Decimal | None = Field(default=None, ge=0, le=1_000_000, decimal_places=2)
    receipt_present: bool | None = None
    purchase_date: date | None = None
    employee_reference: NonEmpty | None = None
    note: str | None = Field(default=None, max_length=2000)

    def given(self) -> list[DetailField]:
        """The facts this reply fills in (the note is not one)."""
        return [field for field in DetailField if getattr(self, field.value) is not None]

    @model_validator(mode="after")
    def _says_something(self) -> CustomerDetails:
        if not self.model_dump(exclude_none=True, exclude={"customer_id"}):
            raise ValueError("the reply must provide at least one detail")
        return self
