"""What the console does, for its pages and its JSON API alike: read complaints, and send
decisions, resumes, safety acknowledgements and reassignments signed as the signed-in
person, after the same pure checks the workflow runs (`domain.commands`), so a refusal is
shown before anything is sent."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from pydantic import BaseModel, ConfigDict

from activities.local_backend import LocalBackend
from activities.policy_store import PolicyError, PolicyStore
from activities.staff_directory import FileStaffDirectory
from console.audit import AuditLog
from console.keys import KeyStore, NoSigningKey
from domain import commands
from domain.errors import InvalidAction as Refusal
from domain.redaction import redact_text
from schemas import events as ev
from schemas.actions import ActionReceipt, ManagerDecision, SafetyAcknowledgement, StaffResume
from schemas.listing import ListedEscalation
from schemas.remedies import Remedy
from schemas.staff import ANY_STORE, Reassignment, StaffMember, StaffRole
from schemas.state import ComplaintState, Status
from sdk import ComplaintClient, ComplaintError, ComplaintSummary
from sdk.client import inbox_query
from sdk.signing import assertion, sign
from sdk.timeline import describe
from workflows import search_attributes as sa

STATE_QUERIES_AT_ONCE = 16


class Refused(Exception):
    """The action would be refused (by the console's checks or the workflow's): nothing
    changed."""


class InboxItem(BaseModel):
    """One escalation a manager may decide."""

    model_config = ConfigDict(frozen=True)

    complaint_id: str
    category: str | None
    severity: str | None
    customer_id: str | None
    store: str | None
    level: int
    requested: Remedy | None
    policy_exception: bool
    filed_at: datetime
    respond_by: datetime | None
    """When the reminder goes out (not reminded yet) or the next level takes over."""
    next_step: str
    """"reminder" or "next level": what happens at `respond_by`."""
    sla: str | None = None
    """The SLA state (ok, warning, breached, paused); None where no clock runs."""
    sla_due_at: datetime | None = None
    """When the next SLA target falls due."""


class PausedItem(BaseModel):
    model_config = ConfigDict(frozen=True)

    complaint_id: str
    customer_id: str | None
    store: str | None
    reason: str | None
    filed_at: datetime
    review_by: datetime | None


class SafetyItem(BaseModel):
    """A reported hazard waiting for a safety officer's acknowledgement."""

    model_config = ConfigDict(frozen=True)

    complaint_id: str
    category: str | None
    customer_id: str | None
    store: str | None
    filed_at: datetime
    review_by: datetime | None
    """When the safety officers are reminded."""


class Candidate(BaseModel):
    """Someone the directory named, at the move, to take the complaint up."""

    model_config = ConfigDict(frozen=True)

    staff_id: str
    name: str
    title: str


class OperationsItem(BaseModel):
    """A complaint nobody acted on after the policy's reminders, for operations to reassign."""

    model_config = ConfigDict(frozen=True)

    complaint_id: str
    customer_id: str | None
    store: str | None
    waited_for: StaffRole
    """A specialist (a paused conversation) or a manager (the top escalation level)."""
    level: int | None
    reminders: int
    """Reminders that went unanswered."""
    since: datetime
    filed_at: datetime
    candidates: list[Candidate]


def candidates(state: ComplaintState) -> list[Candidate]:
    """Whom operations may reassign the complaint to: the directory's list at the move."""
    case = state.operations
    if case is None:
        return []
    if case.waited_for is StaffRole.SPECIALIST:
        members = state.specialists
    else:
        members = state.escalation.deciders if state.escalation else []
    return [Candidate(staff_id=m.staff_id, name=m.name, title=m.title) for m in members]


class TimelineEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    at: datetime
    kind: str
    """an event type, or "message" for a message sent to the customer"""
    text: str
    subject: str | None = None
    body: str | None = None
    channel: str | None = None
    language: str | None = None


class ComplaintView(BaseModel):
    model_config = ConfigDict(frozen=True)

    complaint_id: str
    state: ComplaintState
    waiting_on: str | None
    timeline: list[TimelineEntry]
    messages: int


class Console:
    def __init__(
        self,
        complaints: ComplaintClient,
        directory: FileStaffDirectory,
        keys: KeyStore,
        audit: AuditLog,
        policies: PolicyStore | None = None,
        outbox: LocalBackend | None = None,
    ) -> None:
        self.complaints, self.directory, self.keys = complaints, directory, keys
        self.audit, self.policies, self.outbox = audit, policies, outbox

    # ------------------------------------------------------------------ who

    def member(self, staff_id: str) -> StaffMember | None:
        return self.directory.load().member(staff_id)

    def staff(self) -> list[StaffMember]:
        return list(self.directory.load().members)

    # ------------------------------------------------------------------ reading

    async def _states(self, found: list[ComplaintSummary]) -> list[ComplaintState | None]:
        gate = asyncio.Semaphore(STATE_QUERIES_AT_ONCE)

        async def one(summary: ComplaintSummary) -> ComplaintState | None:
            async with gate:
                try:
                    return await self.complaints.state(summary.complaint_id)
                except Exception:  # noqa: BLE001 - closed or failing since listed: skip the row
                    return None

        return list(await asyncio.gather(*(one(s) for s in found)))

    async def inbox(self, member: StaffMember) -> list[InboxItem]:
        """Escalations at my level or below, in my stores, oldest first: one visibility call
        (search attributes and the memo's listing); a state query only for a complaint
        started before it kept a listing."""
        if member.role is not StaffRole.MANAGER:
            return []
        query = inbox_query(member.level)
        if ANY_STORE not in member.stores:
            query += f" AND {_in_stores(member.stores)}"
        found = await self.complaints.find(query)
        older = [s for s in found if s.listing is None or s.listing.escalation is None]
        states = dict(zip((s.complaint_id for s in older), await self._states(older), strict=True))
        items = []
        for summary in found:
            listed = summary.listing.escalation if summary.listing else None
            if listed is not None:
                store = summary.listing.store  # type: ignore[union-attr]
            else:
                state = states.get(summary.complaint_id)
                if state is None or state.escalation is None or state.intake is None:
                    continue
                esc, store = state.escalation, state.intake.store
                listed = ListedEscalation(
                    level=esc.level, requested=esc.requested,
                    policy_exception=esc.policy_exception, respond_by=esc.respond_by,
                    reminded=esc.reminded,
                )  # fmt: skip
            if not member.covers(store):
                continue
            items.append(
                InboxItem(
                    complaint_id=summary.complaint_id,
                    category=summary.category,
                    severity=summary.severity,
                    customer_id=summary.customer_id,
                    store=store,
                    level=listed.level,
                    requested=listed.requested,
                    policy_exception=listed.policy_exception,
                    filed_at=summary.started_at,
                    respond_by=listed.respond_by,
                    next_step="next level" if listed.reminded else "reminder",
                    sla=summary.sla_state,
                    sla_due_at=summary.sla_due_at,
                )
            )
        return items

    async def paused(self, member: StaffMember) -> list[PausedItem]:
        """Paused conversations a specialist may resume, oldest first."""
        if member.role is not StaffRole.SPECIALIST:
            return []
        query = f"ExecutionStatus = 'Running' AND {sa.STATUS.name} = '{Status.PAUSED.value}'"
        found = await self.complaints.find(query)
        items = []
        for summary, state in zip(found, await self._states(found), strict=True):
            if state is None or state.intake is None or not member.covers(state.intake.store):
                continue
            items.append(
                PausedItem(
                    complaint_id=summary.complaint_id,
                    customer_id=summary.customer_id,
                    store=state.intake.store,
                    reason=redact_text(state.paused_reason) if state.paused_reason else None,
                    filed_at=summary.started_at,
                    review_by=state.review_by,
                )
            )
        return items

    async def awaiting_safety(self, member: StaffMember) -> list[SafetyItem]:
        """Reported hazards a safety officer has to acknowledge, oldest first."""
        if member.role is not StaffRole.SAFETY:
            return []
        query = (
            f"ExecutionStatus = 'Running' AND {sa.STATUS.name} = '{Status.AWAITING_SAFETY.value}'"
        )
        found = await self.complaints.find(query)
        older = [s for s in found if s.listing is None]
        states = dict(zip((s.complaint_id for s in older), await self._states(older), strict=True))
        items = []
        for summary in found:
            if summary.listing is not None:
                store, review_by = summary.listing.store, summary.listing.safety_review_by
            elif (state := states.get(summary.complaint_id)) is not None and state.intake:
                store, review_by = state.intake.store, state.safety_review_by
            else:
                continue
            if not member.covers(store):
                continue
            items.append(
                SafetyItem(
                    complaint_id=summary.complaint_id, category=summary.category,
                    customer_id=summary.customer_id, store=store,
                    filed_at=summary.started_at, review_by=review_by,
                )
            )  # fmt: skip
        return items

    async def operations_queue(self, member: StaffMember) -> list[OperationsItem]:
        """Complaints nobody acted on, for operations staff to reassign, oldest first."""
        if member.role is not StaffRole.OPERATIONS:
            return []
        query = f"ExecutionStatus = 'Running' AND {sa.STATUS.name} = '{Status.IN_OPERATIONS.value}'"
        found = await self.complaints.find(query)
        items = []
        for summary, state in zip(found, await self._states(found), strict=True):
            case = state.operations if state else None
            if state is None or state.intake is None or case is None:
                continue
            if not member.covers(state.intake.store):
                continue
            items.append(
                OperationsItem(
                    complaint_id=summary.complaint_id,
                    customer_id=summary.customer_id,
                    store=state.intake.store,
                    waited_for=case.waited_for,
                    level=case.level,
                    reminders=case.reminders,
                    since=case.since,
                    filed_at=summary.started_at,
                    candidates=candidates(state),
                )
            )
        return sorted(items, key=lambda item: item.since)

    async def search(
        self,
        customer_id: str | None = None,
        status: Status | None = None,
        order_reference: str | None = None,
    ) -> list[ComplaintSummary]:
        """Complaints by customer, order and status (visibility; newest first, at most 200)."""
        where = []
        if customer_id:
            where.append(f"{sa.CUSTOMER_ID.name} = '{_quoted(customer_id)}'")
        if order_reference:
            where.append(f"{sa.ORDER_REFERENCE.name} = '{_quoted(order_reference)}'")
        if status:
            where.append(f"{sa.STATUS.name} = '{status.value}'")
        return (await self.complaints.find(" AND ".join(where) or None))[-200:][::-1]

    async def complaint(self, complaint_id: str) -> ComplaintView:
        state, events, waiting = await asyncio.gather(
            self.complaints.state(complaint_id),
            self.complaints.events(complaint_id),
            self.complaints.waiting_on(complaint_id),
        )
        entries, requested = [], None
        for event in events:
            if isinstance(event, ev.Escalated):
                requested = event.requested
            entries.append(
                TimelineEntry(at=event.at, kind=event.type, text=describe(event, requested))
            )
        sent = await asyncio.to_thread(self.outbox.messages, complaint_id) if self.outbox else []
        for message in sent:
            entries.append(
                TimelineEntry(
                    at=message.created_at,
                    kind="message",
                    text=f"message sent to the customer: {message.kind.value.replace('_', ' ')}",
                    subject=redact_text(message.subject),
                    body=redact_text(message.body),
                    channel=message.channel.value,
                    language=message.language.value,
                )
            )
        entries.sort(key=lambda e: e.at)
        return ComplaintView(
            complaint_id=complaint_id,
            state=state,
            waiting_on=waiting,
            timeline=entries,
            messages=len(sent),
        )

    # ------------------------------------------------------------------ acting

    async def _policy(self, state: ComplaintState):
        if self.policies is None or state.policy_version is None:
            return None
        try:
            return await self.policies.load(state.policy_version)
        except PolicyError:
            return None  # the workflow still checks; we only cannot check first

    async def decide(
        self,
        member: StaffMember,
        complaint_id: str,
        decision: ManagerDecision,
        *,
        client: str,
        via: str,
        request_id: str | None = None,
    ) -> ActionReceipt:
        return await self._act(
            member, complaint_id, "decide_escalation", client, via, request_id, decision=decision
        )

    async def resume(
        self,
        member: StaffMember,
        complaint_id: str,
        resume: StaffResume,
        *,
        client: str,
        via: str,
        request_id: str | None = None,
    ) -> ActionReceipt:
        return await self._act(
            member, complaint_id, "resume", client, via, request_id, resume=resume
        )

    async def acknowledge_safety(
        self,
        member: StaffMember,
        complaint_id: str,
        seen: SafetyAcknowledgement,
        *,
        client: str,
        via: str,
        request_id: str | None = None,
    ) -> ActionReceipt:
        return await self._act(
            member, complaint_id, "acknowledge_safety", client, via, request_id, safety=seen
        )

    async def reassign(
        self,
        member: StaffMember,
        complaint_id: str,
        reassignment: Reassignment,
        *,
        client: str,
        via: str,
        request_id: str | None = None,
    ) -> ActionReceipt:
        return await self._act(
            member, complaint_id, "reassign", client, via, request_id, reassignment=reassignment
        )

    async def _act(self, member, complaint_id, action, client, via, request_id, **content):
        detail = {k: v.model_dump(mode="json") for k, v in content.items()}
        audit = dict(
            staff_id=member.staff_id, action=action, complaint_id=complaint_id, client=client,
            via=via,
        )  # fmt: skip
        try:
            key = self.keys.key_for(member)
            state = await self.complaints.state(complaint_id)
            signed = sign(assertion(complaint_id, member.staff_id, **content), key)
            policy = await self._policy(state)
            if action == "resume":
                commands.resume(state, signed, policy, datetime.now(UTC))  # type: ignore[arg-type]
            elif action == "acknowledge_safety":
                commands.acknowledge_safety(state, signed, policy, datetime.now(UTC))  # type: ignore[arg-type]
            elif action == "reassign" and policy is not None:
                commands.reassign(state, signed, policy, datetime.now(UTC))
            elif policy is not None:
                commands.decide_escalation(state, signed, policy, datetime.now(UTC))
        except (Refusal, NoSigningKey) as refusal:
            await self.audit.record(
                **audit, outcome="refused", detail=detail | {"why": str(refusal)}
            )
            raise Refused(str(refusal)) from None
        send = {
            "decide_escalation": self.complaints.decide_escalation,
            "acknowledge_safety": self.complaints.acknowledge_safety,
            "reassign": self.complaints.reassign,
        }.get(action, self.complaints.resume)
        try:
            receipt = await send(complaint_id, signed, request_id=request_id)
        except ComplaintError as error:
            await self.audit.record(**audit, outcome="refused", detail=detail | {"why": str(error)})
            raise Refused(str(error)) from None
        await self.audit.record(**audit, outcome="sent", detail=detail | {"status": receipt.status})
        return receipt


def _in_stores(stores: list[str]) -> str:
    """My stores, or no store (any manager's; or a complaint started before the store was
    in visibility, checked on its state)."""
    listed = ", ".join(f"'{_quoted(store)}'" for store in stores)
    where = f"{sa.STORE.name} IS NULL"
    return f"({sa.STORE.name} IN ({listed}) OR {where})" if stores else f"({where})"


def _quoted(value: str) -> str:
    """A value inside a visibility query's single quotes."""
    return value.replace("\\", "\\\\").replace("'", "\\'")


def time_left(until: datetime | None, now: datetime | None = None) -> str:
    if until is None:
        return ""
    left = until - (now or datetime.now(UTC))
    if left <= timedelta(0):
        return "due now"
    minutes = int(left.total_seconds() // 60)
    if minutes < 1:
        return f"{int(left.total_seconds())} s"
    if minutes < 120:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // (24 * 60)} days"
