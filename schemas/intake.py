"""What a customer tells us when they complain: validated once, at the edge.

Every text field is bounded and refuses control and bidi characters (`schemas.text`).
A purchase date after today is refused where "today" is known: by the SDK, which
validates with `as_of(model, today)` before sending, and by the workflow's
`provide_details` command against its own clock. The models themselves never read the
clock, since they are decoded inside the workflow too (sandbox and replay).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    model_validator,
)

from schemas.locale import Currency, TimeZone
from schemas.text import Description, Email, Identifier, Name, Note, Phone, Reason

NonEmpty = Identifier
"""The old name of `schemas.text.Identifier` (bounded, single-line), for code that uses it."""
ComplaintId = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$")
]

TODAY = "today"
"""The validation context key for today's date (`as_of`)."""


def future_purchase(purchase_date: date, today: date) -> str | None:
    """Why a purchase date cannot be right, or None: nothing is bought after today."""
    if purchase_date > today:
        return f"the purchase date {purchase_date} is in the future (today is {today})"
    return None


def _not_after_today(value: date | None, info: ValidationInfo) -> date | None:
    today = info.context.get(TODAY) if isinstance(info.context, dict) else None
    if value is not None and today is not None and (why := future_purchase(value, today)):
        raise ValueError(why)
    return value


PurchaseDate = Annotated[date, AfterValidator(_not_after_today)]
"""A date of purchase: checked against today when the validation context carries it."""


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


class HazardKind(StrEnum):
    """What ISO 10002 says is assessed at once: a risk to a person."""

    INJURY = "injury"
    HEALTH = "health"
    SAFETY_HAZARD = "safety_hazard"


class SafetyHazard(BaseModel):
    """The customer reports harm or a danger: a safety officer sees it before anything else."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: HazardKind
    description: Reason
    """What happened or what is dangerous, in the customer's words (bounded)."""


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

    email: Email | None = None
    phone: Phone | None = None

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
    customer_id: Identifier
    customer_name: Name
    contact: Contact
    language: Language = Language.EN
    channel: Channel = Channel.EMAIL
    category: Category
    description: Description
    order_reference: Identifier | None = None
    amount: Decimal | None = Field(default=None, ge=0, le=1_000_000, decimal_places=2)
    currency: Currency | None = Field(default=None, exclude_if=lambda code: code is None)
    """The ISO 4217 currency of `amount`; None means the policy's. A complaint whose
    currency is not its policy's is refused at its start (`domain.commands.admit`)."""
    receipt_present: bool | None = None
    purchase_date: PurchaseDate | None = None
    severity: Severity = Severity.MEDIUM
    safety: SafetyHazard | None = Field(default=None, exclude_if=lambda hazard: hazard is None)
    """A reported injury, health risk or safety hazard: the complaint becomes critical and
    waits for a safety officer's signed acknowledgement (`domain.lifecycle.refer_to_safety`).
    Absent from the JSON when unset, so earlier payloads and histories are unchanged."""
    abusive: bool = False
    employee_reference: Identifier | None = None
    """Who the customer complains about, for rude-employee complaints (their staff id)."""
    store: (
        Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")] | None
    ) = None
    """The store or region the complaint is about: it decides which managers may act."""
    time_zone: TimeZone | None = None
    """The customer's IANA time zone: every date and time they read is told in it (by
    default, the policy's `time_zone`)."""
    related_to: ComplaintId | None = Field(default=None, exclude_if=lambda link: link is None)
    """An earlier complaint of the same customer this one follows (a reply after its reopen
    window, `sdk.ComplaintsClient.reopen`). Absent from the JSON when unset."""

    @model_validator(mode="after")
    def _not_related_to_itself(self) -> ComplaintIntake:
        if self.related_to is not None and self.related_to == self.complaint_id:
            raise ValueError("related_to names the complaint itself")
        return self


class CustomerDetails(BaseModel):
    """The customer's answer to our questions: only what was asked for may be filled in."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    customer_id: Identifier
    """From the backend's authenticated session: only the complaint's own customer may answer."""
    order_reference: Identifier | None = None
    amount: Decimal | None = Field(default=None, ge=0, le=1_000_000, decimal_places=2)
    currency: Currency | None = Field(default=None, exclude_if=lambda code: code is None)
    """The ISO 4217 currency of `amount` (only with it); None means the complaint's. Another
    currency than the complaint's is refused (`domain.commands.provide_details`)."""
    receipt_present: bool | None = None
    purchase_date: PurchaseDate | None = None
    employee_reference: Identifier | None = None
    note: Note | None = None

    def given(self) -> list[DetailField]:
        """The facts this reply fills in (the note is not one)."""
        return [field for field in DetailField if getattr(self, field.value) is not None]

    @model_validator(mode="after")
    def _says_something(self) -> CustomerDetails:
        if not self.model_dump(exclude_none=True, exclude={"customer_id"}):
            raise ValueError("the reply must provide at least one detail")
        if self.currency is not None and self.amount is None:
            raise ValueError("a currency is given only with the amount it is the currency of")
        return self


Checked = TypeVar("Checked", ComplaintIntake, CustomerDetails)


def as_of(model: Checked, today: date) -> Checked:
    """`model` validated again knowing today's date: a purchase date after it is refused
    with a `ValidationError` naming ``purchase_date``."""
    return type(model).model_validate(model.model_dump(), context={TODAY: today})
