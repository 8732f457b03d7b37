"""Activities run in Temporal's ActivityEnvironment against a LocalBackend on a temp file."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from pathlib import Path

import pytest
import structlog
from temporalio import activity
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.complaint_activities import ComplaintActivities, PolicyActivities
from activities.local_backend import LocalBackend
from activities.messages import render, render_message
from activities.policy_store import InMemoryPolicyStore, PolicyStoreUnavailable
from schemas.effects import (
    EmployeeFollowUp,
    EmployeeFollowUpReceipt,
    ManagerPage,
    PageKind,
    PageReceipt,
    RemedyOrder,
    RemedyReceipt,
    RemedyRefused,
)
from schemas.failures import FailureType
from schemas.intake import Category, Channel, Contact, Language, Severity
from schemas.messages import (
    CustomerMessage,
    DeliveryReceipt,
    MessageContext,
    MessageKind,
    RenderedMessage,
)
from schemas.policy import CURRENT, CompanyPolicy
from schemas.remedies import Remedy, RemedyKind
from schemas.staff import StaffQuery, StaffRole

EMAIL = "ann.tamm@example.com"
PHONE = "+372 5555 1234"


@pytest.fixture
def backend(tmp_path: Path) -> LocalBackend:
    return LocalBackend(tmp_path / "activities.db")


@pytest.fixture
def acts(backend: LocalBackend) -> ComplaintActivities:
    return ComplaintActivities(backend)


@pytest.fixture
def env() -> ActivityEnvironment:
    return ActivityEnvironment()


def retry_of(env: ActivityEnvironment) -> ActivityEnvironment:
    """The same activity on its next attempt, as the worker would run a retry."""
    env.info = dataclasses.replace(env.info, attempt=env.info.attempt + 1)
    return env


def message(key: str = "C-1:ack", language: Language = Language.RU) -> CustomerMessage:
    return CustomerMessage(
        idempotency_key=key,
        complaint_id="C-1",
        customer_id="cust-1",
        contact=Contact(email=EMAIL, phone=PHONE),
        language=language,
        channel=Channel.EMAIL,
        kind=MessageKind.ACKNOWLEDGEMENT,
        context=MessageContext(customer_name="Ann Tamm", complaint_id="C-1"),
    )


def order(key: str = "C-1:remedy", order_reference: str = "ORD-1") -> RemedyOrder:
    return RemedyOrder(
        idempotency_key=key,
        complaint_id="C-1",
        customer_id="cust-1",
        order_reference=order_reference,
        remedy=Remedy(kind=RemedyKind.REFUND, amount=Decimal("49.90")),
        authorised_by="agent",
    )


def page(key: str = "C-1:page:1") -> ManagerPage:
    return ManagerPage(
        idempotency_key=key,
        complaint_id="C-1",
        workflow_id="complaint-C-1",
        kind=PageKind.ESCALATION,
        level=1,
        title="Shift manager",
        reason="refund refused: order not found",
        category=Category.BILLING,
        severity=Severity.MEDIUM,
        summary="Charged twice.",
    )


def follow_up(key: str = "C-1:employee") -> EmployeeFollowUp:
    return EmployeeFollowUp(
        idempotency_key=key,
        complaint_id="C-1",
        employee_reference="emp-7",
        manager_id=None,
        customer_id="cust-1",
        outcome="resolved_confirmed",
    )


def test_each_local_effect_is_registered_by_what_it_does(acts: ComplaintActivities) -> None:
    """The UI's Timeline labels a local activity by its type: one name per kind."""
    names = [activity._Definition.must_from_callable(fn).name for fn in acts.as_list()]
    assert names[0] == "execute_remedy"  # a regular activity: the Timeline shows its summary
    assert "tell customer: apology" in names and "tell customer: follow up reminder" in names
    assert {"page manager: escalation", "page manager: reminder", "page specialist"} <= set(names)
    assert "page manager: sla breach" in names
    assert {"find managers", "find specialists", "record employee follow-up"} <= set(names)
    assert {"find safety officers", "page safety officer"} <= set(names)
    assert {"find operations staff", "page operations"} <= set(names)
    assert {"claim order", "release order"} <= set(names)
    effects = 1 + len(MessageKind) + len(PageKind) + len(StaffRole) + 1 + 2
    assert len(names) == len(set(names)) == effects
    for name in names[1:]:
        assert "_" not in name


async def test_find_staff_answers_from_the_directory(acts: ComplaintActivities, env) -> None:
    query = StaffQuery(complaint_id="c-1", role=StaffRole.MANAGER, min_level=2)
    found = await env.run(acts.find_staff, query)
    assert [m.staff_id for m in found] == ["manager-2", "manager-2b", "manager-3", "manager-3b"]
    specialists = StaffQuery(complaint_id="c-1", role=StaffRole.SPECIALIST)
    assert [m.staff_id for m in await env.run(acts.find_staff, specialists)] == ["specialist-1"]


async def test_message_is_rendered_and_stored_in_the_customer_language(
    acts: ComplaintActivities, backend: LocalBackend, env: ActivityEnvironment
) -> None:
    sent = message(language=Language.RU)
    receipt = await env.run(acts.send_customer_message, sent)

    assert isinstance(receipt, DeliveryReceipt) and receipt.duplicate is False
    [stored] = backend.messages("C-1")
    expected = render_message(sent)
    assert isinstance(expected, RenderedMessage)
    assert (stored.subject, stored.body) == (expected.subject, expected.body)
    assert stored.body != render(sent.kind, Language.EN, sent.channel, sent.context).body
    assert (stored.language, stored.kind, stored.message_id) == (
        Language.RU,
        MessageKind.ACKNOWLEDGEMENT,
        receipt.message_id,
    )


async def test_retried_message_is_not_sent_twice(
    acts: ComplaintActivities, backend: LocalBackend, env: ActivityEnvironment
) -> None:
    first = await env.run(acts.send_customer_message, message())
    again = await retry_of(env).run(acts.send_customer_message, message())

    assert (first.duplicate, again.duplicate) == (False, True)
    assert again.message_id == first.message_id
    assert len(backend.messages("C-1")) == 1


async def test_refused_remedy_is_a_non_retryable_application_error(
    acts: ComplaintActivities, backend: LocalBackend, env: ActivityEnvironment
) -> None:
    with pytest.raises(ApplicationError) as raised:
        await env.run(acts.execute_remedy, order(order_reference="UNKNOWN-7"))

    error = raised.value
    assert error.type == FailureType.REMEDY_REFUSED
    assert error.non_retryable is True
    assert list(error.details) == [RemedyRefused.ORDER_NOT_FOUND.value]
    assert backend.count_remedies() == 0


async def test_retried_remedy_is_applied_once(
    acts: ComplaintActivities, backend: LocalBackend, env: ActivityEnvironment
) -> None:
    first = await env.run(acts.execute_remedy, order())
    again = await retry_of(env).run(acts.execute_remedy, order())

    assert isinstance(first, RemedyReceipt)
    assert (first.duplicate, again.duplicate) == (False, True)
    assert again.reference == first.reference
    assert backend.count_remedies() == 1
    assert backend.remedies("C-1")[0].amount == Decimal("49.90")


async def test_manager_is_paged_once_across_retries(
    acts: ComplaintActivities, backend: LocalBackend, env: ActivityEnvironment
) -> None:
    first = await env.run(acts.notify_manager, page())
    again = await retry_of(env).run(acts.notify_manager, page())

    assert isinstance(first, PageReceipt)
    assert (first.duplicate, again.duplicate, again.page_id) == (False, True, first.page_id)
    assert [p.workflow_id for p in backend.pages("C-1")] == ["complaint-C-1"]


async def test_employee_follow_up_is_recorded_once_across_retries(
    acts: ComplaintActivities, backend: LocalBackend, env: ActivityEnvironment
) -> None:
    first = await env.run(acts.record_employee_follow_up, follow_up())
    again = await retry_of(env).run(acts.record_employee_follow_up, follow_up())

    assert isinstance(first, EmployeeFollowUpReceipt)
    assert (first.duplicate, again.duplicate, again.reference) == (False, True, first.reference)
    assert len(backend.employee_follow_ups("C-1")) == 1


class _Unreachable:
    """A backend whose service is down: a transient failure, unlike a refusal."""

    async def deliver_message(
        self, message: CustomerMessage, rendered: RenderedMessage
    ) -> DeliveryReceipt:
        raise ConnectionError("mail relay down")

    async def execute_remedy(self, order: RemedyOrder) -> RemedyReceipt:
        raise ConnectionError("commerce API down")

    async def page_manager(self, page: ManagerPage) -> PageReceipt:
        raise ConnectionError("pager down")

    async def record_employee_follow_up(self, note: EmployeeFollowUp) -> EmployeeFollowUpReceipt:
        raise ConnectionError("HR system down")

    async def aclose(self) -> None:
        return None


async def test_transient_backend_failures_stay_retryable(env: ActivityEnvironment) -> None:
    acts = ComplaintActivities(_Unreachable())

    # Not converted to a non-retryable ApplicationError: Temporal's retry policy applies.
    with pytest.raises(ConnectionError):
        await env.run(acts.execute_remedy, order())
    with pytest.raises(ConnectionError):
        await env.run(acts.send_customer_message, message())


async def test_logs_identify_the_effect_without_personal_data(
    acts: ComplaintActivities, env: ActivityEnvironment
) -> None:
    sent = message()
    with structlog.testing.capture_logs() as logs:
        await env.run(acts.send_customer_message, sent)
        await env.run(acts.execute_remedy, order())
        with pytest.raises(ApplicationError):
            await env.run(acts.execute_remedy, order("C-1:bad", order_reference="UNKNOWN-7"))
        await env.run(acts.notify_manager, page())
        await env.run(acts.record_employee_follow_up, follow_up())

    assert len(logs) == 5
    for entry in logs:
        assert entry["complaint_id"] == "C-1"
        assert entry["idempotency_key"] and entry["kind"]
    assert logs[2]["code"] == RemedyRefused.ORDER_NOT_FOUND.value
    rendered = render_message(sent)
    logged = repr(logs)
    for secret in (EMAIL, PHONE, "Ann Tamm", rendered.body, rendered.subject):
        assert secret not in logged


async def test_the_policy_is_loaded_from_the_store(env: ActivityEnvironment) -> None:
    demo = CompanyPolicy(version="2026-11-demo")
    acts = PolicyActivities(InMemoryPolicyStore(CompanyPolicy(), demo))
    with structlog.testing.capture_logs() as logs:
        assert await env.run(acts.load_policy, "2026-11-demo") == demo
        assert await env.run(acts.load_policy, CURRENT) == CompanyPolicy()
    assert [(e["event"], e["policy_version"]) for e in logs] == [
        ("policy.loaded", "2026-11-demo"),
        ("policy.loaded", "2026-11-default"),
    ]


async def test_an_unknown_or_refused_policy_fails_at_once(env: ActivityEnvironment) -> None:
    store = InMemoryPolicyStore()
    spam = CompanyPolicy().model_dump(mode="json") | {"version": "spam"}
    spam["deadlines"]["callback_interval"] = "PT0.01S"
    store.documents["spam"] = json.dumps(spam)
    acts = PolicyActivities(store)

    with pytest.raises(ApplicationError) as unknown:
        await env.run(acts.load_policy, "2025-01-gone")
    assert (unknown.value.type, unknown.value.non_retryable) == (FailureType.UNKNOWN_POLICY, True)
    assert unknown.value.message == "no policy version '2025-01-gone' in memory"
    with pytest.raises(ApplicationError) as refused:
        await env.run(acts.load_policy, "spam")
    assert (refused.value.type, refused.value.non_retryable) == (FailureType.POLICY_REFUSED, True)
    assert "deadlines.callback_interval is 0:00:00.010000" in refused.value.message


async def test_an_unavailable_policy_store_stays_retryable(env: ActivityEnvironment) -> None:
    class Down:
        async def load(self, version: str) -> CompanyPolicy:
            raise PolicyStoreUnavailable(version, "policy service answered 503")

        async def aclose(self) -> None:
            return None

    with pytest.raises(ApplicationError) as down:
        await env.run(PolicyActivities(Down()).load_policy, CURRENT)
    assert (down.value.type, down.value.non_retryable) == (FailureType.BACKEND_UNAVAILABLE, False)
