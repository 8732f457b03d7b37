"""The console's ASGI app: server-rendered pages (Jinja2) for staff, a JSON API under
`/api/v1` for tools, the Temporal Web UI's codec endpoint, and, in development mode only,
an embedded OpenID issuer.

Pages use a session cookie (signed, expiring) set after an OpenID Connect sign-in, and
every form carries the session's CSRF token. The API takes the ID token itself as a Bearer
token: no cookie, so no CSRF. Either way the person is the token's subject, looked up in
the staff directory; nothing a form or a body says changes who they are or what they may do.
"""

import base64
import hmac
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import Depends, FastAPI, Form, HTTPException, Query, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.middleware.sessions import SessionMiddleware
from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec

from console.auth import DevIssuer, NotAuthenticated, TokenVerifier, http_jwks
from console.service import (
    ComplaintView,
    Console,
    InboxItem,
    OperationsItem,
    PausedItem,
    Refused,
    SafetyItem,
    candidates,
    time_left,
)
from console.settings import DEV_AUDIENCE, ConsoleSettings
from domain.wording import when, words
from schemas.actions import (
    ActionReceipt,
    DecisionKind,
    ManagerDecision,
    SafetyAcknowledgement,
    StaffResume,
)
from schemas.intake import ComplaintId
from schemas.remedies import Remedy, RemedyKind, money
from schemas.staff import Reassignment, StaffMember, StaffRole
from schemas.state import Status
from sdk import ComplaintError, ComplaintSummary, UnknownComplaint

HERE = Path(__file__).resolve().parent
CSRF_FIELD = "csrf_token"
SEARCH_ID = r"^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,99}$"
INBOX_PAGE = 100
"""Escalations per inbox page."""
COMPLAINT_ID = r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}"
"""As `schemas.intake.ComplaintId`."""


class Me(BaseModel):
    model_config = ConfigDict(frozen=True)

    staff_id: str
    name: str
    role: StaffRole
    title: str
    level: int
    authority_limit: Decimal
    stores: list[str]


class Problem(BaseModel):
    detail: str


class DevTokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    staff_id: str = Field(min_length=1, max_length=80)


class CodecPayloads(BaseModel):
    """The Temporal codec server protocol: payloads as JSON (proto3 mapping, bytes base64)."""

    payloads: list[dict[str, Any]] = Field(max_length=1000)


def _me(member: StaffMember) -> Me:
    return Me.model_validate(member.model_dump(exclude={"public_key", "reports_to"}))


def _client(request: Request) -> str:
    host = request.client.host if request.client else "unknown"
    forwarded = request.headers.get("x-forwarded-for")
    return f"{host} (forwarded for {forwarded[:200]})" if forwarded else host


def create_app(
    settings: ConsoleSettings,
    console: Console,
    codec: PayloadCodec | None = None,
) -> FastAPI:
    app = FastAPI(
        title="Complaint engine staff console",
        version="1",
        summary="Escalations, paused conversations, the operations queue and decisions, for staff.",
        docs_url=None,
        redoc_url=None,
        responses={401: {"model": Problem}},
    )
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.globals.update(
        when=when, words=words, money=money, time_left=time_left, dev=settings.dev,
        kinds=list(DecisionKind), remedy_kinds=list(RemedyKind), statuses=list(Status),
    )  # fmt: skip
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    dev_issuer: DevIssuer | None = None
    if settings.dev:
        dev_issuer = DevIssuer(f"{settings.url}/dev/issuer", DEV_AUDIENCE)
        verifier = TokenVerifier(dev_issuer.issuer, DEV_AUDIENCE, dev_issuer.jwks_source)
        authorize_url = f"{settings.url}/dev/issuer/authorize"
    else:
        oidc = settings.oidc
        assert oidc is not None
        verifier = TokenVerifier(
            oidc.issuer, oidc.audience, http_jwks(oidc.jwks_url), oidc.staff_claim
        )
        authorize_url = oidc.authorize_url
    app.state.verifier, app.state.dev_issuer = verifier, dev_issuer
    callback_url = f"{settings.url}/auth/callback"

    # ------------------------------------------------------------------ sessions

    def signed_in(request: Request) -> StaffMember | None:
        session = request.session
        staff_id, expires = session.get("staff_id"), session.get("expires", 0)
        if not staff_id or expires < time.time():
            if staff_id:
                session.clear()
            return None
        return console.member(staff_id)

    def csrf_token(request: Request) -> str:
        token = request.session.get("csrf")
        if not token:
            token = request.session["csrf"] = secrets.token_urlsafe(32)
        return token

    def check_csrf(request: Request, sent: str | None) -> None:
        wanted = request.session.get("csrf")
        if not wanted or not sent or not hmac.compare_digest(wanted, sent):
            raise HTTPException(403, "the form's security token is missing or stale: reload")

    def page(request: Request, name: str, member: StaffMember | None, code: int = 200, **ctx):
        ctx |= {"me": member, "csrf": csrf_token(request), "path": request.url.path}
        return templates.TemplateResponse(request, name, ctx, status_code=code)

    def needs_sign_in(request: Request) -> RedirectResponse:
        return RedirectResponse("/sign-in?" + urlencode({"next": request.url.path}), 303)

    # ------------------------------------------------------------------ sign-in

    @app.get("/", include_in_schema=False)
    async def home(request: Request) -> Response:
        member = signed_in(request)
        if member is None:
            return needs_sign_in(request)
        start = {StaffRole.SPECIALIST: "/queue", StaffRole.SAFETY: "/safety"}
        return RedirectResponse(start.get(member.role, "/inbox"), 303)

    @app.get("/sign-in", include_in_schema=False, response_class=HTMLResponse)
    async def sign_in(request: Request, expired: bool = False) -> Response:
        return page(request, "sign_in.html", signed_in(request), expired=expired)

    @app.get("/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        request.session.update({"oidc_state": state, "oidc_nonce": nonce})
        query = {
            "client_id": verifier.audience,
            "redirect_uri": callback_url,
            "response_type": "id_token",
            "response_mode": "form_post",
            "scope": "openid",
            "state": state,
            "nonce": nonce,
        }
        return RedirectResponse(f"{authorize_url}?{urlencode(query)}", 303)

    @app.post("/auth/callback", include_in_schema=False)
    async def callback(
        request: Request,
        id_token: Annotated[str, Form(max_length=8000)] = "",
        state: Annotated[str, Form(max_length=200)] = "",
    ) -> Response:
        # The state (kept in the session by /login) is this form's CSRF protection.
        wanted = request.session.pop("oidc_state", None)
        nonce = request.session.pop("oidc_nonce", None)
        if not wanted or not hmac.compare_digest(wanted, state):
            raise HTTPException(403, "this sign-in was not started here: sign in again")
        try:
            staff_id = await verifier.verify(id_token, nonce=nonce)
        except NotAuthenticated as error:
            raise HTTPException(401, f"sign-in refused: {error}") from None
        member = console.member(staff_id)
        if member is None:
            raise HTTPException(403, f"{staff_id} is not in the staff directory")
        request.session.clear()
        request.session.update(
            staff_id=member.staff_id,
            csrf=secrets.token_urlsafe(32),
            expires=time.time() + settings.session_minutes * 60,
        )
        return RedirectResponse("/", 303)

    @app.post("/sign-out", include_in_schema=False)
    async def sign_out(
        request: Request, csrf_token: Annotated[str | None, Form(alias=CSRF_FIELD)] = None
    ) -> Response:
        check_csrf(request, csrf_token)
        request.session.clear()
        return RedirectResponse("/sign-in", 303)

    # ------------------------------------------------------------------ pages

    @app.get("/inbox", include_in_schema=False, response_class=HTMLResponse)
    async def inbox_page(
        request: Request, page_number: Annotated[int, Query(alias="page", ge=1, le=10_000)] = 1
    ) -> Response:
        if (member := signed_in(request)) is None:
            return needs_sign_in(request)
        items = await console.inbox(member)
        first = (page_number - 1) * INBOX_PAGE
        return page(
            request, "inbox.html", member, items=items[first : first + INBOX_PAGE],
            total=len(items), first=first, page_number=page_number,
            more=first + INBOX_PAGE < len(items),
        )  # fmt: skip

    @app.get("/queue", include_in_schema=False, response_class=HTMLResponse)
    async def queue_page(request: Request) -> Response:
        if (member := signed_in(request)) is None:
            return needs_sign_in(request)
        items = await console.paused(member)
        return page(request, "queue.html", member, items=items)

    @app.get("/safety", include_in_schema=False, response_class=HTMLResponse)
    async def safety_page(request: Request) -> Response:
        if (member := signed_in(request)) is None:
            return needs_sign_in(request)
        items = await console.awaiting_safety(member)
        return page(request, "safety.html", member, items=items)

    @app.get("/operations", include_in_schema=False, response_class=HTMLResponse)
    async def operations_page(request: Request) -> Response:
        if (member := signed_in(request)) is None:
            return needs_sign_in(request)
        items = await console.operations_queue(member)
        return page(request, "operations.html", member, items=items)

    @app.get("/search", include_in_schema=False, response_class=HTMLResponse)
    async def search_page(
        request: Request,
        customer_id: Annotated[str, Query(max_length=100)] = "",
        complaint_id: Annotated[str, Query(max_length=100)] = "",
        order_reference: Annotated[str, Query(max_length=100)] = "",
        status: Annotated[str, Query(max_length=40)] = "",
    ) -> Response:
        if (member := signed_in(request)) is None:
            return needs_sign_in(request)
        if complaint_id.strip():
            cid = complaint_id.strip().removeprefix("complaint-")
            return RedirectResponse(f"/complaints/{quote(cid, safe='')}", 303)
        error, found = None, None

        customer_id, order_reference = customer_id.strip(), order_reference.strip()
        if customer_id and not re.match(SEARCH_ID, customer_id):
            error = "a customer id has letters, digits and _ . : @ - only"
        elif order_reference and not re.match(SEARCH_ID, order_reference):
            error = "an order number has letters, digits and _ . : @ - only"
        elif status and status not in {s.value for s in Status}:
            error = f"unknown status {status!r}"
        elif customer_id or status or order_reference:
            found = await console.search(
                customer_id or None, Status(status) if status else None, order_reference or None
            )
        return page(
            request, "search.html", member, found=found, error=error, customer_id=customer_id,
            order_reference=order_reference, status=status, code=400 if error else 200,
        )  # fmt: skip

    async def _view(complaint_id: str) -> ComplaintView | None:
        if not re.fullmatch(COMPLAINT_ID, complaint_id):
            return None  # no complaint has such an id
        try:
            return await console.complaint(complaint_id)
        except (UnknownComplaint, ComplaintError):
            return None

    def _complaint_page(request, member, view, code=200, **ctx):
        state = view.state
        escalation = state.escalation
        return page(
            request, "complaint.html", member, code, view=view, state=state,
            escalation=escalation, limit=member.authority_limit,
            may_decide=member.role is StaffRole.MANAGER and state.status is Status.AWAITING_MANAGER,
            may_resume=member.role is StaffRole.SPECIALIST and state.status is Status.PAUSED,
            may_acknowledge=member.role is StaffRole.SAFETY
            and state.status is Status.AWAITING_SAFETY,
            may_reassign=member.role is StaffRole.OPERATIONS
            and state.status is Status.IN_OPERATIONS,
            candidates=candidates(state),
            form=ctx.pop("form", {}), **ctx,
        )  # fmt: skip

    @app.get("/complaints/{complaint_id}", include_in_schema=False, response_class=HTMLResponse)
    async def complaint_page(request: Request, complaint_id: str) -> Response:
        if (member := signed_in(request)) is None:
            return needs_sign_in(request)
        view = await _view(complaint_id)
        if view is None:
            return page(request, "missing.html", member, 404, complaint_id=complaint_id)
        notice = request.session.pop("notice", None)
        return _complaint_page(request, member, view, notice=notice)

    async def _form_act(
        request: Request,
        complaint_id: str,
        csrf_token: str | None,
        form: dict[str, str],
        act: Callable[[StaffMember, ComplaintView], Awaitable[ActionReceipt]],
        done: str,
    ) -> Response:
        """A staff form's action: signed in, CSRF checked, the complaint there. A refusal
        shows the complaint page again with the form as typed; success redirects to it with
        `done` and the resulting status as the notice."""
        if (member := signed_in(request)) is None:
            raise HTTPException(401, "sign in first")
        check_csrf(request, csrf_token)
        view = await _view(complaint_id)
        if view is None:
            return page(request, "missing.html", member, 404, complaint_id=complaint_id)
        try:
            receipt = await act(member, view)
        except (ValueError, Refused) as error:
            return _complaint_page(request, member, view, 422, error=_said(error), form=form)
        request.session["notice"] = f"{done} The complaint is now {words(receipt.status)}."
        return RedirectResponse(f"/complaints/{complaint_id}", 303)

    @app.post("/complaints/{complaint_id}/decision", include_in_schema=False)
    async def decision_form(
        request: Request,
        complaint_id: str,
        kind: Annotated[str, Form(max_length=20)] = "",
        remedy: Annotated[str, Form(max_length=40)] = "",
        amount: Annotated[str, Form(max_length=20)] = "",
        reason: Annotated[str, Form(max_length=2000)] = "",
        csrf_token: Annotated[str | None, Form(alias=CSRF_FIELD)] = None,
    ) -> Response:
        async def decide(member: StaffMember, view: ComplaintView) -> ActionReceipt:
            decision = _decision_from_form(kind, remedy, amount, reason, view)
            return await console.decide(
                member, complaint_id, decision, client=_client(request), via="page"
            )

        form = {"kind": kind, "remedy": remedy, "amount": amount, "reason": reason}
        return await _form_act(
            request, complaint_id, csrf_token, form, decide, f"Recorded: {kind}."
        )

    @app.post("/complaints/{complaint_id}/resume", include_in_schema=False)
    async def resume_form(
        request: Request,
        complaint_id: str,
        note: Annotated[str, Form(max_length=2000)] = "",
        csrf_token: Annotated[str | None, Form(alias=CSRF_FIELD)] = None,
    ) -> Response:
        async def resume(member: StaffMember, view: ComplaintView) -> ActionReceipt:
            return await console.resume(
                member, complaint_id, StaffResume(note=note), client=_client(request), via="page"
            )

        form = {"note": note}
        return await _form_act(request, complaint_id, csrf_token, form, resume, "Resumed.")

    @app.post("/complaints/{complaint_id}/safety", include_in_schema=False)
    async def safety_form(
        request: Request,
        complaint_id: str,
        note: Annotated[str, Form(max_length=2000)] = "",
        csrf_token: Annotated[str | None, Form(alias=CSRF_FIELD)] = None,
    ) -> Response:
        async def acknowledge(member: StaffMember, view: ComplaintView) -> ActionReceipt:
            if member.role is not StaffRole.SAFETY:
                raise Refused("only safety officers acknowledge reported hazards")
            return await console.acknowledge_safety(
                member, complaint_id, SafetyAcknowledgement(note=note),
                client=_client(request), via="page",
            )  # fmt: skip

        form, done = {"note": note}, "Hazard acknowledged."
        return await _form_act(request, complaint_id, csrf_token, form, acknowledge, done)

    @app.post("/complaints/{complaint_id}/reassign", include_in_schema=False)
    async def reassign_form(
        request: Request,
        complaint_id: str,
        assignee_id: Annotated[str, Form(max_length=80)] = "",
        note: Annotated[str, Form(max_length=2000)] = "",
        csrf_token: Annotated[str | None, Form(alias=CSRF_FIELD)] = None,
    ) -> Response:
        async def reassign(member: StaffMember, view: ComplaintView) -> ActionReceipt:
            wanted = Reassignment(assignee_id=assignee_id, note=note)
            return await console.reassign(
                member, complaint_id, wanted, client=_client(request), via="page"
            )

        form, done = {"assignee_id": assignee_id, "note": note}, f"Reassigned to {assignee_id}."
        return await _form_act(request, complaint_id, csrf_token, form, reassign, done)

    # ------------------------------------------------------------------ JSON API

    bearer = HTTPBearer(auto_error=False)

    async def api_member(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> StaffMember:
        if credentials is None or credentials.scheme.lower() != "bearer":
            raise HTTPException(401, "send an ID token: Authorization: Bearer <token>")
        try:
            staff_id = await verifier.verify(credentials.credentials)
        except NotAuthenticated as error:
            raise HTTPException(401, str(error)) from None
        member = console.member(staff_id)
        if member is None:
            raise HTTPException(403, f"{staff_id} is not in the staff directory")
        return member

    Member = Annotated[StaffMember, Depends(api_member)]
    acting = {403: {"model": Problem}, 404: {"model": Problem}, 409: {"model": Problem}}

    @app.get("/api/v1/me", tags=["staff"])
    async def api_me(member: Member) -> Me:
        """Who the token names, as the staff directory knows them."""
        return _me(member)

    @app.get("/api/v1/inbox", tags=["managers"])
    async def api_inbox(
        member: Member,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
        limit: Annotated[int, Query(ge=1, le=1000)] = 1000,
    ) -> list[InboxItem]:
        """Escalations at my level or below, in my stores, oldest first (`limit` from
        `offset`)."""
        return (await console.inbox(member))[offset : offset + limit]

    @app.get("/api/v1/paused", tags=["specialists"])
    async def api_paused(member: Member) -> list[PausedItem]:
        """Paused conversations a specialist may resume, oldest first."""
        return await console.paused(member)

    @app.get("/api/v1/safety", tags=["safety officers"])
    async def api_awaiting_safety(member: Member) -> list[SafetyItem]:
        """Reported hazards waiting for a safety officer's acknowledgement, oldest first."""
        return await console.awaiting_safety(member)

    @app.get("/api/v1/operations", tags=["operations"])
    async def api_operations(member: Member) -> list[OperationsItem]:
        """Complaints nobody acted on after the policy's reminders, oldest first, with whom
        each may be reassigned to (operations staff only; empty for everyone else)."""
        return await console.operations_queue(member)

    @app.get("/api/v1/complaints", tags=["staff"])
    async def api_search(
        member: Member,
        customer_id: Annotated[str | None, Query(pattern=SEARCH_ID)] = None,
        status: Status | None = None,
        order_reference: Annotated[str | None, Query(pattern=SEARCH_ID)] = None,
    ) -> list[ComplaintSummary]:
        """Complaints by customer, order and status, newest first (at most 200)."""
        return await console.search(customer_id, status, order_reference)

    @app.get(
        "/api/v1/complaints/{complaint_id}", tags=["staff"], responses={404: {"model": Problem}}
    )
    async def api_complaint(member: Member, complaint_id: ComplaintId) -> ComplaintView:
        """The complaint's state, what it waits for, and its timeline with every message sent."""
        view = await _view(complaint_id)
        if view is None:
            raise HTTPException(404, f"no complaint {complaint_id!r}")
        return view

    async def _api_act(
        member: StaffMember,
        role: StaffRole,
        refusal: str,
        complaint_id: str,
        request: Request,
        act: Callable[..., Awaitable[ActionReceipt]],
    ) -> ActionReceipt:
        """`act` for `member` if they hold `role` (403 `refusal` otherwise) on a complaint
        that exists (404); a refusal by the workflow's own check is a 409 with its reason."""
        if member.role is not role:
            raise HTTPException(403, refusal)
        if await _view(complaint_id) is None:
            raise HTTPException(404, f"no complaint {complaint_id!r}")
        try:
            return await act(client=_client(request), via="api")
        except Refused as error:
            raise HTTPException(409, str(error)) from None

    @app.post("/api/v1/complaints/{complaint_id}/decision", tags=["managers"], responses=acting)
    async def api_decide(
        member: Member, complaint_id: ComplaintId, decision: ManagerDecision, request: Request
    ) -> ActionReceipt:
        """Decide an escalation, signed as me; refused (409) with the reason when the
        workflow would refuse it, before anything is sent."""
        return await _api_act(
            member,
            StaffRole.MANAGER,
            "only managers decide escalations",
            complaint_id,
            request,
            lambda **kw: console.decide(member, complaint_id, decision, **kw),
        )

    @app.post("/api/v1/complaints/{complaint_id}/resume", tags=["specialists"], responses=acting)
    async def api_resume(
        member: Member, complaint_id: ComplaintId, resume: StaffResume, request: Request
    ) -> ActionReceipt:
        """Resume a paused conversation, signed as me."""
        return await _api_act(
            member,
            StaffRole.SPECIALIST,
            "only specialists resume paused conversations",
            complaint_id,
            request,
            lambda **kw: console.resume(member, complaint_id, resume, **kw),
        )

    @app.post("/api/v1/complaints/{complaint_id}/reassign", tags=["operations"], responses=acting)
    async def api_reassign(
        member: Member, complaint_id: ComplaintId, reassignment: Reassignment, request: Request
    ) -> ActionReceipt:
        """Hand a complaint from the operations queue to a person the directory listed for
        it, signed as me: it waits for them again, with a fresh deadline."""
        return await _api_act(
            member,
            StaffRole.OPERATIONS,
            "only operations staff reassign complaints",
            complaint_id,
            request,
            lambda **kw: console.reassign(member, complaint_id, reassignment, **kw),
        )

    @app.post(
        "/api/v1/complaints/{complaint_id}/safety", tags=["safety officers"], responses=acting
    )
    async def api_acknowledge_safety(
        member: Member, complaint_id: ComplaintId, seen: SafetyAcknowledgement, request: Request
    ) -> ActionReceipt:
        """Acknowledge a reported hazard, signed as me: the complaint goes on."""
        return await _api_act(
            member,
            StaffRole.SAFETY,
            "only safety officers acknowledge reported hazards",
            complaint_id,
            request,
            lambda **kw: console.acknowledge_safety(member, complaint_id, seen, **kw),
        )

    # ------------------------------------------------------------------ codec

    @app.post("/codec/decode", tags=["operators"], responses={403: {"model": Problem}})
    async def codec_decode(
        request: Request,
        body: CodecPayloads,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> CodecPayloads:
        """Decode payloads for the Temporal Web UI (its codec server protocol). Decode only;
        a signed-in session (cookie, sent by the UI with credentials) or a Bearer ID token."""
        member = signed_in(request)
        if member is None and credentials is not None:
            member = await api_member(credentials)
        if member is None:
            raise HTTPException(401, "sign in to the staff console to read payloads")
        if codec is None:
            return body
        try:
            payloads = [_payload(p) for p in body.payloads]
        except (ValueError, TypeError, KeyError) as error:
            raise HTTPException(400, f"not a payload: {error}") from None
        decoded = []
        for one in payloads:
            try:
                decoded.extend(await codec.decode([one]))
            except Exception:  # noqa: BLE001 - a payload this key cannot open stays as it is
                decoded.append(one)
        return CodecPayloads(payloads=[_payload_json(p) for p in decoded])

    @app.exception_handler(HTTPException)
    async def problem(request: Request, error: HTTPException) -> Response:
        """JSON for the API and the codec; a page for people."""
        if request.url.path.startswith(("/api/", "/codec/", "/dev/issuer/token")):
            return JSONResponse({"detail": error.detail}, error.status_code, error.headers)
        html = templates.get_template("error.html").render(
            request=request, detail=error.detail, code=error.status_code, me=None, csrf="",
            path=request.url.path,
        )  # fmt: skip
        return HTMLResponse(html, status_code=error.status_code)

    _dev_routes(app, settings, dev_issuer, console, templates, callback_url, csrf_token, check_csrf)

    app.add_middleware(
        CORSMiddleware,
        allow_origins=[settings.ui_origin],
        allow_methods=["POST"],
        allow_headers=["content-type", "x-namespace", "authorization"],
        allow_credentials=True,
    )
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.session_secret,
        session_cookie="console_session",
        max_age=settings.session_minutes * 60,
        same_site="lax",
        https_only=settings.url.startswith("https://"),
    )
    return app


def _said(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(e["msg"].removeprefix("Value error, ") for e in error.errors())
    return str(error)


def _decision_from_form(
    kind: str, remedy: str, amount: str, reason: str, view: ComplaintView
) -> ManagerDecision:
    """The decision as typed: a remedy kind left blank means what was requested; an amount
    left blank takes the requested one for the same kind (an explanation costs nothing)."""
    try:
        decision_kind = DecisionKind(kind)
    except ValueError:
        raise ValueError("choose what you decide: approve, override, counter or deny") from None
    escalation = view.state.escalation
    requested = escalation.requested if escalation else None
    granted = None
    if not remedy and requested and decision_kind is not DecisionKind.APPROVE:
        remedy = requested.kind.value  # "as requested", for an override or a counter too
    if remedy and decision_kind is not DecisionKind.DENY:
        try:
            remedy_kind = RemedyKind(remedy)
        except ValueError:
            raise ValueError(f"unknown remedy {remedy!r}") from None
        if amount.strip():
            try:
                value = Decimal(amount.strip().replace(",", "."))
            except InvalidOperation:
                raise ValueError(f"{amount!r} is not an amount") from None
        elif requested and requested.kind is remedy_kind:
            value = requested.amount
        elif remedy_kind is RemedyKind.EXPLANATION:
            value = Decimal(0)
        else:
            raise ValueError(f"name the amount of the {remedy_kind.value}")
        granted = Remedy(kind=remedy_kind, amount=value)
    return ManagerDecision(kind=decision_kind, remedy=granted, reason=reason.strip() or None)


def _payload(data: dict[str, Any]) -> Payload:
    metadata = {
        k: base64.b64decode(v, validate=True) for k, v in (data.get("metadata") or {}).items()
    }
    return Payload(metadata=metadata, data=base64.b64decode(data.get("data") or "", validate=True))


def _payload_json(payload: Payload) -> dict[str, Any]:
    return {
        "metadata": {k: base64.b64encode(v).decode() for k, v in payload.metadata.items()},
        "data": base64.b64encode(payload.data).decode(),
    }


def _dev_routes(app, settings, issuer, console, templates, callback_url, csrf_token, check_csrf):
    """The development issuer: discovery, keys, and a sign-in page to pick a demo person."""
    if issuer is None:
        return

    @app.get("/dev/issuer/.well-known/openid-configuration", include_in_schema=False)
    async def discovery() -> dict[str, Any]:
        return {
            "issuer": issuer.issuer,
            "authorization_endpoint": f"{issuer.issuer}/authorize",
            "jwks_uri": f"{issuer.issuer}/jwks.json",
            "response_types_supported": ["id_token"],
            "id_token_signing_alg_values_supported": ["EdDSA"],
            "subject_types_supported": ["public"],
        }

    @app.post("/dev/issuer/token", include_in_schema=False)
    async def token(asked: DevTokenRequest) -> dict[str, Any]:
        """An ID token for a demo person, for the CLI and scripts (`complaints dev-token`):
        development only, like every route of this issuer."""
        if console.member(asked.staff_id) is None:
            raise HTTPException(400, f"{asked.staff_id} is not in the staff directory")
        return {
            "id_token": issuer.id_token(asked.staff_id, None),
            "token_type": "Bearer",
            "development_only": True,
        }

    @app.get("/dev/issuer/jwks.json", include_in_schema=False)
    async def jwks() -> dict[str, Any]:
        return issuer.jwks()

    @app.get("/dev/issuer/authorize", include_in_schema=False, response_class=HTMLResponse)
    async def pick(
        request: Request,
        state: Annotated[str, Query(max_length=200)] = "",
        nonce: Annotated[str, Query(max_length=200)] = "",
        redirect_uri: Annotated[str, Query(max_length=500)] = "",
    ) -> Response:
        if redirect_uri != callback_url:
            raise HTTPException(400, "the development issuer signs in to this console only")
        ctx = {
            "staff": console.staff(), "state": state, "nonce": nonce, "me": None,
            "csrf": csrf_token(request), "path": request.url.path,
        }  # fmt: skip
        return templates.TemplateResponse(request, "dev_sign_in.html", ctx)

    @app.post("/dev/issuer/authorize", include_in_schema=False, response_class=HTMLResponse)
    async def issue(
        request: Request,
        staff_id: Annotated[str, Form(max_length=80)],
        state: Annotated[str, Form(max_length=200)] = "",
        nonce: Annotated[str, Form(max_length=200)] = "",
        csrf_token_: Annotated[str | None, Form(alias=CSRF_FIELD)] = None,
    ) -> Response:
        check_csrf(request, csrf_token_)
        if console.member(staff_id) is None:
            raise HTTPException(400, f"{staff_id} is not in the staff directory")
        token = issuer.id_token(staff_id, nonce or None)
        ctx = {"action": callback_url, "fields": {"id_token": token, "state": state}}
        return templates.TemplateResponse(request, "form_post.html", ctx)


def now() -> datetime:
    return datetime.now(UTC)
