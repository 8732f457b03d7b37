"""`HttpBackend` against real loopback services (tests/fakes/http_services.py), faults included."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import pytest_asyncio
import structlog
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.backend import BackendContractError, BackendUnavailableError, RemedyRefusedError
from activities.complaint_activities import (
    ComplaintActivities,
)
from activities.http_backend import HttpBackend
from activities.http_contract import openapi_json
from activities.local_backend import LocalBackend
from activities.messages import render_message
from schemas.effects import (
    EmployeeFollowUpReceipt,
    PageReceipt,
    RemedyOrder,
    RemedyReceipt,
    RemedyRefused,
)
from schemas.failures import FailureType
from schemas.messages import DeliveryReceipt
from schemas.remedies import Remedy, RemedyKind
from tests.activities.test_complaint_activities import follow_up, message, order, page
from tests.fakes.http_services import Faults, HttpServices
from workers.config import Settings
from workers.worker import make_backend

OPENAPI = Path(__file__).parents[2] / "docs" / "openapi.json"


@pytest_asyncio.fixture
async def backend(services: HttpServices) -> AsyncIterator[HttpBackend]:
    backend = HttpBackend(services.config(timeout_s=0.5))
    yield backend
    await backend.aclose()


def refund(key: str = "C-1:remedy", order_reference: str = "ORD-1") -> RemedyOrder:
    return order(key, order_reference)


def sent(model) -> dict:
    return json.loads(model.model_dump_json())


def rendered(msg):
    return render_message(msg)


async def test_each_service_gets_its_schema_as_json_with_key_and_token(
    services: HttpServices, backend: HttpBackend
) -> None:
    note, pg, order_, msg = follow_up(), page(), refund(), message()

    receipts = [
        await backend.deliver_message(msg, rendered(msg)),
        await backend.execute_remedy(order_),
        await backend.page_manager(pg),
        await backend.record_employee_follow_up(note),
    ]

    assert [type(r) for r in receipts] == [
        DeliveryReceipt,
        RemedyReceipt,
        PageReceipt,
        EmployeeFollowUpReceipt,
    ]
    assert not any(r.duplicate for r in receipts)
    seen = [(r.path, r.status, r.idempotency_key, r.authorization) for r in services.requests]
    assert seen == [
        ("/notify/v1/messages", 201, msg.idempotency_key, "Bearer test-token"),
        ("/commerce/v1/remedies", 201, order_.idempotency_key, "Bearer test-token"),
        ("/staff/v1/pages", 201, pg.idempotency_key, "Bearer test-token"),
        ("/hr/v1/employee-follow-ups", 201, note.idempotency_key, "Bearer test-token"),
    ]
    bodies = [r.body for r in services.requests]
    assert bodies[0] == {"message": sent(msg), "rendered": sent(rendered(msg))}
    assert bodies[1:] == [sent(order_), sent(pg), sent(note)]
    assert bodies[1]["remedy"] == {"kind": "refund", "amount": "49.90"}


async def test_a_repeated_key_gets_the_original_receipt_and_nothing_twice(
    services: HttpServices, backend: HttpBackend
) -> None:
    first = await backend.execute_remedy(refund())
    again = await backend.execute_remedy(refund())

    assert (first.duplicate, again.duplicate) == (False, True)
    assert again.reference == first.reference
    assert services.remedies("C-1") == [refund()]
    assert [r.replay for r in services.requests] == [False, True]


async def test_a_500_is_retryable_and_nothing_was_applied(
    services: HttpServices, backend: HttpBackend
) -> None:
    services.inject(Faults(error_rate=1.0))
    with pytest.raises(BackendUnavailableError, match="commerce answered 500"):
        await backend.execute_remedy(refund())
    assert services.remedies() == []

    services.inject(Faults())
    receipt = await backend.execute_remedy(refund())
    assert receipt.duplicate is False
    assert len(services.remedies()) == 1


async def test_a_refund_whose_answer_was_dropped_is_not_refunded_again(
    services: HttpServices, backend: HttpBackend
) -> None:
    services.inject(Faults(drop_rate=1.0))
    with pytest.raises(BackendUnavailableError, match="RemoteProtocolError"):
        await backend.execute_remedy(refund())
    assert len(services.remedies()) == 1  # the refund happened; only its answer was lost

    services.inject(Faults())
    retried = await backend.execute_remedy(refund())

    assert retried.duplicate is True
    assert services.remedies() == [refund()]


async def test_an_answer_slower_than_the_timeout_is_retryable_and_replayed(
    services: HttpServices,
) -> None:
    backend = HttpBackend(services.config(timeout_s=0.2))
    services.inject(Faults(slow_rate=1.0, slow_s=1.0))
    try:
        with pytest.raises(BackendUnavailableError, match="ReadTimeout"):
            await backend.page_manager(page())
        services.inject(Faults())
        retried = await backend.page_manager(page())
    finally:
        await backend.aclose()

    assert retried.duplicate is True
    assert len(services.pages()) == 1


async def test_no_service_listening_is_retryable(services: HttpServices) -> None:
    async with HttpServices() as gone:
        config = gone.config()
    backend = HttpBackend(config)
    try:
        with pytest.raises(BackendUnavailableError, match="ConnectError"):
            await backend.deliver_message(message(), rendered(message()))
    finally:
        await backend.aclose()


@pytest.mark.parametrize(
    ("prepare", "code", "status", "reason"),
    [
        (lambda s: s.unknown_orders.add("ORD-1"), RemedyRefused.ORDER_NOT_FOUND, 404, "not found"),
        (
            lambda s: s.already_applied("ORD-1", RemedyKind.REFUND),
            RemedyRefused.ALREADY_APPLIED,
            409,
            "refund already done",
        ),
        (lambda s: s.final_sale_orders.add("ORD-1"), RemedyRefused.NOT_ALLOWED, 422, "final sale"),
    ],
    ids=["404-order-not-found", "409-already-applied", "422-not-allowed"],
)
async def test_business_refusals_are_remedy_refused_errors(
    services: HttpServices, backend: HttpBackend, prepare, code, status, reason
) -> None:
    prepare(services)
    for _ in range(2):  # the same key gets the same refusal, never a late refund
        with pytest.raises(RemedyRefusedError) as refused:
            await backend.execute_remedy(refund())
        assert (refused.value.code, reason in refused.value.message) == (code, True)

    assert [r.status for r in services.requests] == [status, status]
    assert services.remedies() == []


async def test_a_second_refund_of_one_order_under_another_key_is_already_applied(
    services: HttpServices, backend: HttpBackend
) -> None:
    await backend.execute_remedy(refund("C-1:remedy"))
    with pytest.raises(RemedyRefusedError) as refused:
        await backend.execute_remedy(refund("C-2:remedy"))

    assert refused.value.code is RemedyRefused.ALREADY_APPLIED
    assert len(services.remedies()) == 1


async def test_a_refusal_status_without_a_refusal_code_is_not_a_refusal(
    services: HttpServices, backend: HttpBackend
) -> None:
    # A proxy's 404 page means a wrong URL (retried until fixed), not "order not found".
    services.script("commerce", 404, "<h1>Not Found</h1>")
    with pytest.raises(BackendUnavailableError, match="404"):
        await backend.execute_remedy(refund())
    # A framework's 422 validation error means our body is wrong: a bug, not "not allowed".
    services.script("commerce", 422, {"detail": [{"loc": ["remedy"], "msg": "invalid"}]})
    with pytest.raises(BackendContractError) as broken:
        await backend.execute_remedy(refund())
    assert broken.value.status == 422
    assert services.remedies() == []


@pytest.mark.parametrize("status", [400, 409, 413, 415, 422])
async def test_a_rejected_request_is_a_contract_error_on_any_service(
    services: HttpServices, backend: HttpBackend, status: int
) -> None:
    services.script("staff", status, {"message": "title is required"})
    with pytest.raises(BackendContractError, match="title is required") as broken:
        await backend.page_manager(page())
    assert broken.value.status == status


@pytest.mark.parametrize("status", [301, 401, 403, 404, 408, 429, 500, 502, 503, 504])
async def test_transient_and_deployment_answers_are_retryable(
    services: HttpServices, backend: HttpBackend, status: int
) -> None:
    services.script("hr", status, {"message": "not now"})
    with pytest.raises(BackendUnavailableError, match=f"hr answered {status}"):
        await backend.record_employee_follow_up(follow_up())


async def test_a_wrong_token_is_refused_by_the_service_and_retried(
    services: HttpServices,
) -> None:
    backend = HttpBackend(services.config(token="expired"))
    try:
        with pytest.raises(BackendUnavailableError, match="401"):
            await backend.execute_remedy(refund())
    finally:
        await backend.aclose()
    assert services.requests[0].authorization == "Bearer expired"
    assert services.remedies() == []


async def test_retry_after_is_the_next_retry_delay(
    services: HttpServices, backend: HttpBackend
) -> None:
    services.script("commerce", 429, {"message": "slow down"}, headers={"Retry-After": "7"})
    with pytest.raises(ApplicationError) as raised:
        await ActivityEnvironment().run(ComplaintActivities(backend).execute_remedy, refund())

    error = raised.value
    assert (error.type, error.non_retryable) == (FailureType.BACKEND_UNAVAILABLE, False)
    assert error.next_retry_delay == timedelta(seconds=7)


async def test_an_unreadable_receipt_is_a_contract_error(
    services: HttpServices, backend: HttpBackend
) -> None:
    services.script("notify", 200, {"id": "no message_id here"})
    with pytest.raises(BackendContractError, match="no valid DeliveryReceipt"):
        await backend.deliver_message(message(), rendered(message()))


async def test_activities_turn_answers_into_the_right_temporal_failures(
    services: HttpServices, backend: HttpBackend
) -> None:
    acts, env = ComplaintActivities(backend), ActivityEnvironment()
    services.unknown_orders.add("ORD-404")
    with pytest.raises(ApplicationError) as refused:
        await env.run(acts.execute_remedy, refund(order_reference="ORD-404"))
    services.script("hr", 400, {"message": "unknown field"})
    with pytest.raises(ApplicationError) as broken:
        await env.run(acts.record_employee_follow_up, follow_up())
    services.inject(Faults(error_rate=1.0))
    with pytest.raises(ApplicationError) as down:
        await env.run(acts.notify_manager, page())

    assert (refused.value.type, refused.value.non_retryable) == (FailureType.REMEDY_REFUSED, True)
    assert list(refused.value.details) == ["order_not_found"]
    assert "ORD-404 not found" in refused.value.message
    assert (broken.value.type, broken.value.non_retryable) == (FailureType.BACKEND_CONTRACT, True)
    assert list(broken.value.details) == [400]
    assert (down.value.type, down.value.non_retryable) == (FailureType.BACKEND_UNAVAILABLE, False)
    assert down.value.next_retry_delay is None


async def test_a_remedy_without_an_order_is_applied(
    services: HttpServices, backend: HttpBackend
) -> None:
    goodwill = RemedyOrder(
        idempotency_key="C-9:remedy",
        complaint_id="C-9",
        customer_id="cust-9",
        order_reference=None,
        remedy=Remedy(kind=RemedyKind.DISCOUNT, amount=Decimal("20")),
        authorised_by="manager-1",
    )
    receipt = await backend.execute_remedy(goodwill)
    assert receipt.reference.startswith("COMMERCE-")
    assert services.remedies("C-9") == [goodwill]


# -- configuration ---------------------------------------------------------------------

HTTP_ENV = {
    "COMPLAINTS_BACKEND": "http",
    "COMPLAINTS_HTTP_NOTIFY_URL": "https://notify.example.com/",
    "COMPLAINTS_HTTP_COMMERCE_URL": "https://api.example.com/commerce",
    "COMPLAINTS_HTTP_STAFF_URL": "https://staff.example.com",
    "COMPLAINTS_HTTP_HR_URL": "https://hr.example.com",
    "COMPLAINTS_HTTP_TOKEN": "s3cret-token",
    "COMPLAINTS_HTTP_TIMEOUT_S": "4.5",
}


async def test_http_backend_is_selected_and_configured_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in HTTP_ENV.items():
        monkeypatch.setenv(name, value)
    settings = Settings.from_env()

    assert settings.http is not None
    assert settings.http.timeout_s == 4.5
    assert settings.http.base_url("notify") == "https://notify.example.com"
    assert settings.http.base_url("commerce") == "https://api.example.com/commerce"
    assert "s3cret-token" not in repr(settings)
    backend = make_backend(settings)
    try:
        assert isinstance(backend, HttpBackend)
    finally:
        await backend.aclose()


def test_http_backend_without_its_urls_refuses_to_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPLAINTS_BACKEND", "http")
    monkeypatch.setenv("COMPLAINTS_HTTP_NOTIFY_URL", "https://notify.example.com")
    for name in ("COMMERCE", "STAFF", "HR"):
        monkeypatch.delenv(f"COMPLAINTS_HTTP_{name}_URL", raising=False)
    monkeypatch.delenv("COMPLAINTS_HTTP_TOKEN", raising=False)

    with pytest.raises(ValueError, match="COMPLAINTS_HTTP_COMMERCE_URL.*COMPLAINTS_HTTP_TOKEN"):
        Settings.from_env()


def test_local_backend_stays_the_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("COMPLAINTS_BACKEND", raising=False)
    monkeypatch.setenv("COMPLAINTS_DATA_DIR", str(tmp_path))
    settings = Settings.from_env()
    assert (settings.backend, settings.http) == ("local", None)
    assert isinstance(make_backend(settings), LocalBackend)


def test_published_openapi_document_matches_the_schemas() -> None:
    # Regenerate with: .venv/bin/python -m activities.http_contract > docs/openapi.json
    assert OPENAPI.read_text(encoding="utf-8") == openapi_json()


async def test_a_service_reason_never_reaches_the_logs(
    services: HttpServices, backend: HttpBackend
) -> None:
    echoed = "invalid address ann.tamm@example.com"
    acts, env = ComplaintActivities(backend), ActivityEnvironment()
    services.script("notify", 400, {"message": echoed})
    services.script("notify", 503, {"message": echoed})
    with structlog.testing.capture_logs() as logs:
        for _ in range(2):
            with pytest.raises(ApplicationError, match=echoed):  # the failure keeps it
                await env.run(acts.send_customer_message, message())

    assert [(e["event"], e["status"]) for e in logs] == [
        ("backend.contract_error", 400),
        ("backend.unavailable", 503),
    ]
    assert "ann.tamm" not in repr(logs)
