"""`ComplaintWorkflow`: the thin Temporal shell around the pure complaint domain.

The lifecycle reads as the literature prescribes it: listen, apologise, thank,
propose, then resolve, decline or escalate, and follow up. Every fact is
appended as a domain event; the state is their fold. Decisions come from
`domain`; all I/O is in activities; every wait honours promised callbacks.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError, RetryState

with workflow.unsafe.imports_passed_through():
    from activities.complaint_activities import ComplaintActivities
    from domain import guards
    from domain.decisions import Decline, Escalate, Resolve, decide, default_option, manager_denial
    from domain.errors import InvalidAction
    from domain.evolve import evolve
    from domain.listening import missing_details
    from domain.proposals import alternatives, options
    from schemas import events as ev
    from schemas.actions import (
        ActionReceipt,
        Appeal,
        CustomerChoice,
        DecisionKind,
        FollowUpAnswer,
        ManagerDecision,
        StaffResume,
        Withdrawal,
    )
    from schemas.complaint import ComplaintInput, ComplaintResult
    from schemas.effects import EmployeeFollowUp, ManagerPage, PageKind, RemedyOrder
    from schemas.events import DomainEvent, EscalationReason
    from schemas.intake import Category, CustomerDetails
    from schemas.messages import CustomerMessage, MessageContext, MessageKind, Outcome
    from schemas.remedies import DeclineReason, Remedy
    from schemas.state import ComplaintState, Status
    from workflows import search_attributes
    from workflows.narrative import current_details

_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=1),
)
"""Transient failures are retried until they pass; business refusals are non-retryable."""
_ACTIVITY_TIMEOUT = timedelta(seconds=30)

_LOCAL_RETRY_THRESHOLD = timedelta(milliseconds=500)
"""A local effect that failed waits out its backoff on a durable timer, not in the worker:
the workflow task is not held by a failing service, and test time can skip the wait."""

LOCAL_EFFECTS = "local-effects"
"""Patch: effects run as local activities, in the workflow task that asks for them.

A run of cheap steps (four messages at intake; a manager's approval, the remedy and
the resolution message) then costs one workflow task instead of a task-queue round
trip and a workflow task per step: fewer history events and lower latency. Retries,
timeouts and idempotency keys are the same. The worker decides whether a *new*
complaint takes the patch (`workers.worker.build_worker(local_effects=...)`); the
decision is recorded as a marker, so every complaint keeps the mode it started in
and old histories replay unchanged.
"""

RECORD_BEFORE_TELL = "record-before-tell"
"""Patch: a step that invites a reply is recorded before the customer is told of it.

The customer (or a query) can see the message before the worker has processed its
delivery. Recorded first, an instant answer finds the complaint already waiting for it,
live and on replay alike; told first, the same answer was refused as too early. Runs
started before the patch keep the old order, so their histories replay unchanged.
"""

RETRY_SAFE_EFFECTS = "retry-safe-effects"
"""Patch: an effect is the same effect in every attempt at a workflow task.

A local activity runs before its workflow task commits. If the worker dies there, the
task is tried again, and by then more may have happened (a promised callback fell due,
the manager's decision arrives again in another order). Two changes make the retry find
the effect it already did, not a new one:

- idempotency keys name the step and which of its kind it is (`remedy/1`, the first
  remedy), not the position in the record, which such an input shifts (a chaos run
  applied one approved discount twice that way);
- the remedy, the one effect that moves money or goods, runs as a regular activity:
  scheduled only once the decision that authorises it is in history, never on a
  decision a retried task might not take again.
"""


class _Withdrawn(Exception):
    """Unwinds the lifecycle when the customer withdraws while we wait."""


def _rejecting(check: Callable[[], Any]) -> None:
    """Turn a guard's refusal into an update rejection the caller can read."""
    try:
        check()
    except InvalidAction as refusal:
        raise ApplicationError(str(refusal), type="InvalidAction", non_retryable=True) from None


@workflow.defn(name="ComplaintWorkflow")
class ComplaintWorkflow:
    @workflow.init
    def __init__(self, input: ComplaintInput) -> None:
        self._policy = input.policy
        self._events: list[DomainEvent] = []
        self._state = ComplaintState()
        self._waiting_on: str | None = None
        self._record_before_tell = False
        self._retry_safe_effects = False
        self._steps_keyed: dict[str, int] = {}

    # ------------------------------------------------------------------ lifecycle

    @workflow.run
    async def run(self, input: ComplaintInput) -> ComplaintResult:
        # Patches are decided here, in the first activation: asked later, after a local
        # activity, the question can land in another workflow task on replay than live
        # (a long local activity splits the task), and replay then fails.
        self._record_before_tell = workflow.patched(RECORD_BEFORE_TELL)
        self._retry_safe_effects = workflow.patched(RETRY_SAFE_EFFECTS)
        intake = input.intake
        self._record(
            ev.Received(at=self._now(), intake=intake, policy_version=self._policy.version)
        )
        try:
            await self._tell(MessageKind.ACKNOWLEDGEMENT)
            self._record(ev.Acknowledged(at=self._now()))
            if intake.abusive:
                await self._pause_for_specialist()
            if intake.category is Category.RUDE_EMPLOYEE:
                await self._escalate(EscalationReason.RUDE_EMPLOYEE, requested=None)
            await self._listen()
            await self._tell(MessageKind.APOLOGY)
            self._record(ev.Apologised(at=self._now()))
            await self._tell(MessageKind.THANKS)
            self._record(ev.Thanked(at=self._now()))
            while not self._state.closed:
                agreed = await self._agree_on_remedy()
                if agreed is None:
                    break
                remedy, authorised_by = agreed
                if await self._carry_out(remedy, authorised_by):
                    await self._follow_up()
        except _Withdrawn:
            await self._close(Outcome.WITHDRAWN)
        if intake.category is Category.RUDE_EMPLOYEE:
            await self._record_employee_follow_up()
        state = self._state
        assert state.outcome is not None
        return ComplaintResult(
            complaint_id=intake.complaint_id,
            outcome=state.outcome,
            remedy=state.remedies_executed[-1] if state.remedies_executed else None,
            reopen_count=state.reopen_count,
            escalations=state.escalations,
            event_count=len(self._events),
        )

    async def _pause_for_specialist(self) -> None:
        """No argument with an abusive customer: pause, and hand over to a specialist."""
        self._record(ev.Paused(at=self._now(), reason="abusive conversation"))
        await self._tell(MessageKind.PAUSE)
        specialist = self._policy.specialist_title
        page = await self._page(PageKind.SPECIALIST, 1, "abusive conversation", specialist)
        self._record(ev.SpecialistAssigned(at=self._now(), page_id=page))
        review = self._policy.deadlines.specialist_review
        while not await self._wait(
            lambda: self._state.status is not Status.PAUSED,
            self._now() + review,
            "specialist resumes the conversation",
        ):
            await self._page(PageKind.REMINDER, 1, "abusive conversation: still paused", specialist)
            self._record(ev.SpecialistReminded(at=self._now()))

    async def _listen(self) -> None:
        """Ask closed questions for what is missing, and wait for the answer, not forever."""
        missing = missing_details(self._state.intake)
        if not missing:
            return
        reply_by = self._now() + self._policy.deadlines.details_reply
        await self._announce(
            lambda: ev.DetailsRequested(at=self._now(), missing=missing, reply_by=reply_by),
            MessageKind.DETAILS_REQUEST,
            missing_details=missing,
            reply_by=reply_by,
        )
        if not await self._wait(
            lambda: self._state.status is not Status.AWAITING_DETAILS,
            reply_by,
            "customer's missing details",
        ):
            self._record(ev.DetailsDeadlinePassed(at=self._now(), still_missing=missing))

    async def _agree_on_remedy(self) -> tuple[Remedy, str] | None:
        """The remedy to carry out and who authorised it; None once the complaint is declined."""
        state = self._state
        if state.outcome is Outcome.WITHDRAWN:
            raise _Withdrawn()
        if state.escalation is not None:  # open, and perhaps already decided
            return await self._await_manager()
        if state.reopen_count > self._policy.reopens_before_escalation:
            last = next(e.remedy for e in reversed(self._events) if isinstance(e, ev.Resolved))
            await self._escalate(EscalationReason.REOPENED_AGAIN, requested=last)
            return await self._await_manager()
        intake, today = state.intake, self._now().date()
        chosen = await self._propose(
            options(intake, self._policy), default_option(intake, self._policy, today), "agent"
        )
        match decide(intake, chosen, self._policy, today):
            case Resolve(remedy=remedy):
                return remedy, "agent"
            case Escalate(reason=reason, policy_exception=exception):
                await self._escalate(reason, requested=chosen, policy_exception=exception)
                return await self._await_manager()
            case Decline(reasons=reasons, alternatives=offered):
                return await self._decline(chosen, reasons, offered, "agent", can_appeal=True)

    async def _propose(self, offered: list[Remedy], default: Remedy, proposed_by: str) -> Remedy:
        """Let the customer take part in choosing; a sensible default applies after the deadline."""
        choose_by = self._now() + self._policy.deadlines.solution_choice
        await self._announce(
            lambda: ev.SolutionsProposed(
                at=self._now(),
                options=offered,
                default=default,
                choose_by=choose_by,
                proposed_by=proposed_by,
            ),
            MessageKind.PROPOSALS,
            options=offered,
            default_option=default,
            reply_by=choose_by,
        )
        if not await self._wait(
            lambda: self._state.status is not Status.AWAITING_CHOICE, choose_by, "customer's choice"
        ):
            self._record(ev.SolutionChosen(at=self._now(), remedy=default, by="default"))
        assert self._state.chosen is not None
        return self._state.chosen

    async def _decline(
        self,
        requested: Remedy | None,
        reasons: list[DeclineReason],
        offered: list[Remedy],
        decided_by: str,
        can_appeal: bool,
    ) -> tuple[Remedy, str] | None:
        """Refuse gently with reasons and alternatives; an appeal goes to a manager."""
        answer_by = self._now() + self._policy.deadlines.appeal
        await self._announce(
            lambda: ev.Declined(
                at=self._now(),
                requested=requested,
                reasons=reasons,
                alternatives=offered,
                decided_by=decided_by,
                can_appeal=can_appeal,
                answer_by=answer_by,
            ),
            MessageKind.DECLINE,
            reasons=reasons,
            alternatives=offered,
            can_appeal=can_appeal,
            reply_by=answer_by,
        )
        if not await self._wait(
            lambda: self._state.status is not Status.DECLINED, answer_by, "customer's answer"
        ):
            await self._close(Outcome.DECLINED)
            return None
        if self._state.appealed:
            await self._escalate(
                EscalationReason.APPEAL, requested=requested, policy_exception=True
            )
            return await self._await_manager()
        assert self._state.chosen is not None
        return self._state.chosen, decided_by

    async def _escalate(
        self,
        reason: EscalationReason,
        requested: Remedy | None,
        policy_exception: bool = False,
    ) -> None:
        """Consult a manager ourselves, and tell the customer when we will call back."""
        respond_by = self._now() + self._policy.deadlines.manager_response
        self._record(
            ev.Escalated(
                at=self._now(),
                level=1,
                reason=reason,
                requested=requested,
                policy_exception=policy_exception,
                respond_by=respond_by,
            )
        )
        page = await self._page(PageKind.ESCALATION, level=1, reason=reason.value)
        self._record(ev.ManagerNotified(at=self._now(), level=1, page_id=page))
        await self._promise_callback(MessageKind.ESCALATION_NOTICE)

    async def _await_manager(self) -> tuple[Remedy, str] | None:
        """Wait for a decision; remind a silent manager, then move up a level."""
        while True:
            escalation = self._state.escalation
            assert escalation is not None
            if await self._wait(
                lambda: self._state.decision is not None,
                escalation.respond_by,
                f"level {escalation.level} manager decides",
            ):
                break
            deadlines = self._policy.deadlines
            if escalation.reminded and escalation.level < self._policy.top_level:
                level = escalation.level + 1
                respond_by = self._now() + deadlines.manager_response
                self._record(
                    ev.EscalatedToNextLevel(
                        at=self._now(),
                        from_level=escalation.level,
                        to_level=level,
                        respond_by=respond_by,
                    )
                )
                page = await self._page(PageKind.ESCALATION, level, escalation.reason.value)
                self._record(ev.ManagerNotified(at=self._now(), level=level, page_id=page))
            else:
                await self._page(PageKind.REMINDER, escalation.level, escalation.reason.value)
                self._record(
                    ev.ManagerReminded(
                        at=self._now(),
                        level=escalation.level,
                        respond_by=self._now() + deadlines.manager_after_reminder,
                    )
                )
        decision = self._state.decision
        assert decision is not None and escalation is not None
        granted = guards.granted_remedy(self._state, decision)
        match decision.kind:
            case DecisionKind.APPROVE | DecisionKind.OVERRIDE:
                assert granted is not None
                return granted, decision.manager_id
            case DecisionKind.COUNTER:
                assert granted is not None
                return await self._propose([granted], granted, decision.manager_id), (
                    decision.manager_id
                )
            case DecisionKind.DENY:
                assert decision.reason is not None
                intake = self._state.intake
                return await self._decline(
                    escalation.requested,
                    [manager_denial(decision.reason, escalation.reason)],
                    alternatives(intake, self._policy, escalation.requested),
                    decision.manager_id,
                    can_appeal=False,
                )

    async def _carry_out(self, remedy: Remedy, authorised_by: str) -> bool:
        """Execute the remedy and tell the customer the steps; a refusal goes to a manager."""
        state = self._state
        order = RemedyOrder(
            idempotency_key=self._key("remedy"),
            complaint_id=state.complaint_id,
            customer_id=state.intake.customer_id,
            order_reference=state.intake.order_reference,
            remedy=remedy,
            authorised_by=authorised_by,
        )
        try:
            receipt = await self._effect(
                ComplaintActivities.execute_remedy,
                order,
                local=not self._retry_safe_effects,
                activity_id=self._activity_id(order.idempotency_key),
                start_to_close_timeout=_ACTIVITY_TIMEOUT,
                retry_policy=_RETRY,
                summary=f"execute {remedy.label()}",
            )
        except ActivityError as failure:
            refusal = failure.cause
            if not (isinstance(refusal, ApplicationError) and refusal.type == "RemedyRefused"):
                raise
            self._record(ev.RemedyFailed(at=self._now(), remedy=remedy, error=refusal.message))
            await self._escalate(EscalationReason.REMEDY_FAILED, requested=remedy)
            return False
        self._record(
            ev.RemedyExecuted(
                at=self._now(),
                remedy=remedy,
                reference=receipt.reference,
                authorised_by=authorised_by,
            )
        )
        follow_up_at = self._now() + self._policy.deadlines.follow_up_delay
        await self._announce(
            lambda: ev.Resolved(at=self._now(), remedy=remedy, follow_up_at=follow_up_at),
            MessageKind.RESOLUTION,
            remedy=remedy,
            remedy_reference=receipt.reference,
            follow_up_on=follow_up_at,
        )
        return True

    async def _follow_up(self) -> None:
        """Confirm the fix worked; 'not fixed' reopens, silence closes it unconfirmed."""

        def answered() -> bool:
            return self._state.outcome is not None or self._state.status is Status.IN_PROGRESS

        deadlines = self._policy.deadlines
        if not await self._wait(answered, self._state.follow_up_at, "follow-up is due"):
            for kind, delay, reminder in (
                (MessageKind.FOLLOW_UP, deadlines.follow_up_reply, False),
                (MessageKind.FOLLOW_UP_REMINDER, deadlines.follow_up_after_reminder, True),
            ):
                reply_by = self._now() + delay
                await self._announce(
                    lambda by=reply_by, again=reminder: ev.FollowUpSent(
                        at=self._now(), reply_by=by, reminder=again
                    ),
                    kind,
                    reply_by=reply_by,
                )
                if await self._wait(answered, reply_by, "customer confirms the fix"):
                    break
            else:
                await self._close(Outcome.RESOLVED_UNCONFIRMED)
                return
        if self._state.outcome is Outcome.RESOLVED_CONFIRMED:
            await self._close(Outcome.RESOLVED_CONFIRMED)
        else:
            await self._tell(MessageKind.REOPENED)

    async def _close(self, outcome: Outcome) -> None:
        await self._tell(MessageKind.CLOSING, outcome=outcome)
        self._record(ev.Closed(at=self._now(), outcome=outcome))

    async def _record_employee_follow_up(self) -> None:
        """After the customer's problem, the employee's: the manager coaches them."""
        deciders = [e.decision.manager_id for e in self._events if isinstance(e, ev.ManagerDecided)]
        note = EmployeeFollowUp(
            idempotency_key=self._key("employee-follow-up"),
            complaint_id=self._state.complaint_id,
            employee_reference=self._state.intake.employee_reference,
            manager_id=deciders[-1] if deciders else None,
            customer_id=self._state.intake.customer_id,
            outcome=self._state.outcome.value,
        )
        receipt = await self._effect(
            ComplaintActivities.record_employee_follow_up,
            note,
            activity_id=self._activity_id(note.idempotency_key),
            start_to_close_timeout=_ACTIVITY_TIMEOUT,
            retry_policy=_RETRY,
            summary="record employee follow-up",
        )
        self._record(
            ev.EmployeeFollowUpRecorded(
                at=self._now(),
                employee_reference=note.employee_reference,
                reference=receipt.reference,
            )
        )

    # ------------------------------------------------------------------ waiting

    async def _wait(self, done: Callable[[], bool], until: datetime, summary: str) -> bool:
        """Wait for `done` until a deadline, keeping every promised callback on time.

        Returns whether `done` came true; raises `_Withdrawn` if the customer withdrew.
        """
        while True:
            if self._state.outcome is Outcome.WITHDRAWN:
                raise _Withdrawn()
            self._publish()  # what updates recorded while we waited
            if done():
                return True
            now = self._now()
            if now >= until:
                return False
            due = self._state.callback_due
            if due is not None and due <= now:
                await self._promise_callback(MessageKind.CALLBACK)
                continue
            wake = min(until, due) if due is not None else until
            self._waiting_on = summary
            self._describe()
            try:
                await workflow.wait_condition(
                    lambda: done() or self._state.outcome is Outcome.WITHDRAWN,
                    timeout=wake - now,
                    timeout_summary=summary if wake == until else "promised callback",
                )
            except TimeoutError:
                pass
            finally:
                self._waiting_on = None

    async def _promise_callback(self, kind: MessageKind) -> None:
        """Call back when promised, even without news, and say when the next call comes."""
        due = self._state.callback_due
        callback_by = self._now() + self._policy.deadlines.callback_interval
        escalation = self._state.escalation
        title = self._policy.manager(escalation.level).title if escalation else None
        await self._tell(kind, callback_by=callback_by, manager_title=title)
        if due is not None:
            self._record(ev.CallbackMade(at=self._now(), promised_for=due))
        self._record(ev.CallbackPromised(at=self._now(), due=callback_by))

    # ------------------------------------------------------------------ effects

    async def _announce(
        self, event: Callable[[], DomainEvent], kind: MessageKind, **facts: Any
    ) -> None:
        """Record a step that invites a reply and tell the customer: recorded first under
        `RECORD_BEFORE_TELL`, so a reply can never arrive before the step it answers."""
        if self._record_before_tell:
            self._record(event())
            await self._tell(kind, **facts)
        else:
            await self._tell(kind, **facts)
            self._record(event())

    async def _tell(self, kind: MessageKind, **facts: Any) -> None:
        intake = self._state.intake
        message = CustomerMessage(
            idempotency_key=self._key(kind.value),
            complaint_id=intake.complaint_id,
            customer_id=intake.customer_id,
            contact=intake.contact,
            language=intake.language,
            channel=intake.channel,
            kind=kind,
            context=MessageContext(
                customer_name=intake.customer_name, complaint_id=intake.complaint_id, **facts
            ),
        )
        await self._effect(
            ComplaintActivities.send_customer_message,
            message,
            activity_id=self._activity_id(message.idempotency_key),
            start_to_close_timeout=_ACTIVITY_TIMEOUT,
            retry_policy=_RETRY,
            summary=f"tell customer: {kind.value}",
        )

    async def _page(self, kind: PageKind, level: int, reason: str, title: str = "") -> str:
        state = self._state
        escalation = state.escalation
        title = title or self._policy.manager(level).title
        page = ManagerPage(
            idempotency_key=self._key(f"page-{kind.value}-{level}"),
            complaint_id=state.complaint_id,
            workflow_id=workflow.info().workflow_id,
            kind=kind,
            level=level,
            title=title,
            reason=reason,
            category=state.intake.category,
            severity=state.intake.severity,
            requested=escalation.requested if escalation else None,
            respond_by=escalation.respond_by if escalation else None,
            summary=state.intake.description[:280],
        )
        receipt = await self._effect(
            ComplaintActivities.notify_manager,
            page,
            activity_id=self._activity_id(page.idempotency_key),
            start_to_close_timeout=_ACTIVITY_TIMEOUT,
            retry_policy=_RETRY,
            summary=f"page {title}: {kind.value}",
        )
        return receipt.page_id

    async def _effect(
        self, activity: Callable[..., Any], arg: Any, *, local: bool = True, **options: Any
    ) -> Any:
        """One side effect, as a local activity under `LOCAL_EFFECTS`, else a regular one;
        `local=False` keeps it a regular activity in either mode (the remedy, see
        `RETRY_SAFE_EFFECTS`).

        Either way a failure reaches the caller as an `ActivityError` whose cause is the
        activity's own error (a local activity's arrives unwrapped: it is wrapped here).
        """
        if not local or not workflow.patched(LOCAL_EFFECTS):
            return await workflow.execute_activity_method(activity, arg, **options)
        try:
            return await workflow.execute_local_activity_method(
                activity, arg, local_retry_threshold=_LOCAL_RETRY_THRESHOLD, **options
            )
        except ApplicationError as failure:
            raise ActivityError(
                f"local activity failed: {failure.message}",
                scheduled_event_id=0,
                started_event_id=0,
                identity="",
                activity_type=getattr(activity, "__name__", ""),
                activity_id=options.get("activity_id", ""),
                retry_state=RetryState.NON_RETRYABLE_FAILURE,
            ) from failure

    # ------------------------------------------------------------------ record

    def _record(self, event: DomainEvent) -> None:
        self._events.append(event)
        self._state = evolve(self._state, event)
        workflow.logger.info(
            "complaint.recorded",
            extra={
                "complaint_id": self._state.complaint_id,
                "step": event.type,
                "status": self._state.status.value,
            },
        )
        if workflow.current_update_info() is None:
            self._publish()
        else:  # the main coroutine publishes it when it wakes (`_wait`, or its next record)
            self._describe()

    def _publish(self) -> None:
        """Let visibility follow the record; only changed values, as each upsert is an event.

        Only the main coroutine upserts: an update handler issues no command of its own, so
        where an update lands in history never changes which commands surround it.
        """
        wanted = search_attributes.search_attributes_for(self._state)
        changed = search_attributes.changes(workflow.info().typed_search_attributes, wanted)
        if changed:
            workflow.upsert_search_attributes(changed)
        self._describe()

    def _describe(self) -> None:
        """The UI's current details; served by a query, so it costs no history."""
        workflow.set_current_details(current_details(self._state, self._waiting_on, self._policy))

    def _key(self, step: str) -> str:
        """The same for every attempt and every replay: the workflow id, the step and which
        of its kind it is (`RETRY_SAFE_EFFECTS`), or, for complaints started before that
        patch, the step's position in the record."""
        workflow_id = workflow.info().workflow_id
        if not self._retry_safe_effects:
            return f"{workflow_id}/{len(self._events)}/{step}"
        nth = self._steps_keyed[step] = self._steps_keyed.get(step, 0) + 1
        return f"{workflow_id}/{step}/{nth}"

    def _activity_id(self, key: str) -> str:
        """Readable in the UI ('proposals/1'), and unique as the idempotency key is."""
        return key.removeprefix(f"{workflow.info().workflow_id}/")

    def _now(self) -> datetime:
        return workflow.now()

    def _receipt(self) -> ActionReceipt:
        return ActionReceipt(
            complaint_id=self._state.complaint_id,
            status=self._state.status.value,
            event_count=len(self._events),
        )

    # ------------------------------------------------------------------ queries

    @workflow.query
    def state(self) -> ComplaintState:
        return self._state

    @workflow.query
    def events(self) -> list[DomainEvent]:
        return self._events

    @workflow.query
    def waiting_on(self) -> str | None:
        """What the complaint is waiting for right now (a person or a timer), if anything."""
        return self._waiting_on

    # ------------------------------------------------------------------ customer updates

    @workflow.update
    def provide_details(self, details: CustomerDetails) -> ActionReceipt:
        self._record(ev.DetailsProvided(at=self._now(), details=details))
        return self._receipt()

    @provide_details.validator
    def _validate_details(self, details: CustomerDetails) -> None:
        _rejecting(lambda: guards.check_details(self._state, details))

    @workflow.update
    def choose_solution(self, choice: CustomerChoice) -> ActionReceipt:
        remedy = guards.check_choice(self._state, choice)
        self._record(ev.SolutionChosen(at=self._now(), remedy=remedy, by="customer"))
        return self._receipt()

    @choose_solution.validator
    def _validate_choice(self, choice: CustomerChoice) -> None:
        _rejecting(lambda: guards.check_choice(self._state, choice))

    @workflow.update
    def appeal(self, appeal: Appeal) -> ActionReceipt:
        self._record(ev.Appealed(at=self._now(), reason=appeal.reason))
        return self._receipt()

    @appeal.validator
    def _validate_appeal(self, appeal: Appeal) -> None:
        _rejecting(lambda: guards.check_appeal(self._state))

    @workflow.update
    def answer_follow_up(self, answer: FollowUpAnswer) -> ActionReceipt:
        event = (
            ev.FixConfirmed(at=self._now(), comment=answer.comment)
            if answer.fixed
            else ev.Reopened(at=self._now(), comment=answer.comment)
        )
        self._record(event)
        return self._receipt()

    @answer_follow_up.validator
    def _validate_follow_up(self, answer: FollowUpAnswer) -> None:
        _rejecting(lambda: guards.check_follow_up_answer(self._state))

    @workflow.update
    def withdraw(self, withdrawal: Withdrawal) -> ActionReceipt:
        self._record(ev.Withdrawn(at=self._now(), reason=withdrawal.reason))
        return self._receipt()

    @withdraw.validator
    def _validate_withdrawal(self, withdrawal: Withdrawal) -> None:
        _rejecting(lambda: guards.check_withdrawal(self._state))

    # ------------------------------------------------------------------ staff updates

    @workflow.update
    def resume(self, resume: StaffResume) -> ActionReceipt:
        self._record(ev.Resumed(at=self._now(), staff_id=resume.staff_id, note=resume.note))
        return self._receipt()

    @resume.validator
    def _validate_resume(self, resume: StaffResume) -> None:
        _rejecting(lambda: guards.check_resume(self._state))

    @workflow.update
    def decide_escalation(self, decision: ManagerDecision) -> ActionReceipt:
        self._record(ev.ManagerDecided(at=self._now(), decision=decision))
        return self._receipt()

    @decide_escalation.validator
    def _validate_decision(self, decision: ManagerDecision) -> None:
        _rejecting(lambda: guards.check_manager_decision(self._state, decision, self._policy))
