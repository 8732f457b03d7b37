"""`ComplaintWorkflow`: the thin Temporal shell around the pure complaint domain.

The lifecycle reads as the literature prescribes it: listen, apologise, thank, propose,
then resolve, decline or escalate, and follow up. What to record and do at each turn comes
from `domain.lifecycle` (reactions) and `domain.commands` (updates); this class only
waits, runs effects (`workflows.effects`) and records (`workflows.record`).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any, NoReturn

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from domain import commands, deadlines, lifecycle, progress, sla
    from domain.business_time import Calendar
    from domain.errors import InvalidAction
    from domain.lifecycle import Wait, waiting_for
    from domain.plan import Effect, Plan, Tell
    from schemas.actions import (
        ActionReceipt,
        Appeal,
        CustomerAction,
        CustomerChoice,
        FollowUpAnswer,
        ReopenRequest,
        SurveyAnswer,
        Withdrawal,
    )
    from schemas.complaint import (
        ComplaintInput,
        ComplaintResult,
        Continuation,
        workflow_id_for,
    )
    from schemas.events import DomainEvent, EscalationReason
    from schemas.failures import FailureType
    from schemas.intake import Category, ComplaintIntake, CustomerDetails
    from schemas.listing import LISTING_MEMO
    from schemas.messages import MessageKind, Outcome
    from schemas.policy import CompanyPolicy
    from schemas.staff import SignedAssertion, StaffRole
    from schemas.state import ComplaintState, Status, WaitingOn
    from schemas.waits import WaitFor
    from workflows import effects, metrics, search_attributes
    from workflows.narrative import current_details
    from workflows.record import Record
    from workflows.waiting import Waiting, Withdrawn

Command = Callable[..., list[DomainEvent]]

CONTINUE_AS_NEW_VERSIONING = workflow.ContinueAsNewVersioningBehavior.AUTO_UPGRADE
"""Pass as `initial_versioning_behavior` to `workflow.continue_as_new`: a pinned complaint
moves to the deployment's current version at its next run. Complaints are pinned by the
versioned worker's default behaviour (`workers.versioning`), not on this class: an
unversioned worker's tasks that name a behaviour are refused by the server."""
ACK_APOLOGISES = "ack-apologises"
"""Patch: the acknowledgement apologises and thanks; no separate apology and thanks after
the details round (complaints started before keep them)."""
SLA_CLOCKS = "sla-clocks"
"""Patch: the SLA clocks run (timers, SlaWarned/SlaBreached, SlaDueAt/SlaState)."""
SAFETY_FIRST = "safety-first"
"""Patch: a reported hazard makes the complaint critical and waits for a safety officer's
signed acknowledgement before anything else (asked only for a flagged complaint)."""
CALLBACKS_KEEP_SLA = "callbacks-keep-sla"
"""Patch: while the SLA clocks run, a promised callback comes before the next-update clock
would warn (`domain.sla.callback_by`); asked at the first plan that promises one."""
VISIBLE_LISTING = "visible-listing"
"""Patch: visibility also holds the store and the order (search attributes) and the staff
lists' row (memo `listing`), so a list needs no query per complaint."""
OPERATIONS_QUEUE = "operations-queue"
"""Patch: after the policy's reminders, a silent specialist's or top manager's complaint
moves to the operations queue instead of another reminder (asked only at that silence)."""
PUBLISH_AT_WAITS = "publish-at-waits"
"""Patch: search attributes (and the memo's listing) are upserted where the complaint waits
(for a person or a deadline) and at the close, not after each recorded event; and this one
marker stands for every patch before it (`ack-apologises`, `sla-clocks`, `safety-first`,
`visible-listing`, `operations-queue`, `callbacks-keep-sla`), which are then not asked: each
patch costs two history events. See decision 016."""
FEWER_EVENTS = "fewer-events"
"""Patch: the memo's listing is written only once it lists an escalation or a safety review
(the store and the order are search attributes); a wait that ends before its deadline leaves
that timer running until the next step that lets time pass, so a complaint that closes next
drops it with the run instead of cancelling it (`Waiting.keep_deadline_timer`). Its marker
stands for every patch before it (`publish-at-waits` and those it stands for, `aftercare`),
which are then not asked. See decision 019."""
SLA_AT_WAITS = "sla-at-waits"
"""Patch: the SLA clocks' warnings and breaches are recorded by the workflow's own waits
(one timer to the earliest of the deadline, the promised callback and the clocks' next
moment, `Waiting.watch_clocks`) instead of a watcher beside it, whose timer could be
started while a local activity ran and so land elsewhere on replay. Its marker stands for
every patch before it (`fewer-events` and those it stands for). See decision 021."""
AFTERCARE = "aftercare"
"""Patch: a complaint with an order claims it before a remedy is sought (a duplicate is
linked to the open one), a resolved one stays open for its reopen window with a
satisfaction survey, and the order is released at the end (asked first where one of these
first happens: the claim, or the closing)."""


@workflow.defn(name="ComplaintWorkflow")
class ComplaintWorkflow:
    @workflow.init
    def __init__(self, input: ComplaintInput) -> None:
        self._policy: CompanyPolicy | None = None
        """Loaded first thing; until then every update is refused (the complaint is new)."""
        self._record = Record()
        self._sla: sla.Clocks | None = None
        """The SLA clocks, a fold of the record (None when they do not run)."""
        self._calendar: Calendar | None = None
        """The store's calendar the business deadlines count on (None: all wall-clock)."""
        self._waiting = Waiting(
            lambda: self._state, self._call_back, self._publish, self._continue_if_long
        )
        self._input = input
        self._acknowledgement_out = False
        self._publish_at_waits = False
        """Since PUBLISH_AT_WAITS: only waits and the close upsert search attributes."""
        self._client_waits: list[tuple[WaitFor, asyncio.Future[ComplaintState]]] = []
        """`wait_until` calls not answered yet, answered on the step that gets there."""
        self._listed = False
        """Since VISIBLE_LISTING: the store, the order and the memo's listing are upserted."""
        self._listing: dict[str, Any] | None = None
        """The memo's `listing` as this run last upserted it."""
        self._aftercare: bool | None = None
        """The `aftercare` patch, once asked."""
        self._fewer_events = False
        """Since FEWER_EVENTS: a memo only for a listing that lists something."""

    @property
    def _state(self) -> ComplaintState:
        return self._record.state

    # ------------------------------------------------------------------ lifecycle

    @workflow.run
    async def run(self, input: ComplaintInput) -> ComplaintResult:
        intake = input.intake
        if workflow.info().workflow_id != workflow_id_for(intake.complaint_id):
            await self._fail(
                ApplicationError(
                    f"workflow id {workflow.info().workflow_id!r} does not match the complaint: "
                    f"start it as {workflow_id_for(intake.complaint_id)!r}",
                    type=FailureType.INVALID_INPUT,
                    non_retryable=True,
                )
            )
        # Since ACK_APOLOGISES, the acknowledgement apologises and thanks at once. Asked
        # before the first command, so the marker leads every new history.
        at_waits = workflow.patched(SLA_AT_WAITS)
        fewer = self._fewer_events = at_waits or workflow.patched(FEWER_EVENTS)
        if fewer:
            self._aftercare = True
        self._waiting.keep_deadline_timer = fewer
        lean = self._publish_at_waits = fewer or workflow.patched(PUBLISH_AT_WAITS)
        self._waiting.publish_on_waking = not lean
        at_once = lean or workflow.patched(ACK_APOLOGISES)
        sla_clocks = lean or workflow.patched(SLA_CLOCKS)  # first activation, before any effect
        self._listed = lean or workflow.patched(VISIBLE_LISTING)
        resumed = self._resume(input.continued)
        if resumed is None:
            try:
                self._policy = policy = await effects.load_policy(input.policy_version)
            except ApplicationError as refused:  # no such version, or out of bounds
                await self._fail(refused)
            failure = None
            try:
                commands.admit(intake, policy)
            except InvalidAction as refused:
                failure = ApplicationError(
                    str(refused), type=FailureType.INTAKE_REFUSED, non_retryable=True
                )
            if failure is not None:
                await self._fail(failure)
            safety_first = intake.safety is not None and (lean or workflow.patched(SAFETY_FIRST))
            await self._enact(
                lifecycle.receive(
                    intake, policy, self._now(), apologise=at_once, safety=safety_first
                )
            )
            self._read_calendar(policy)
            if safety_first:  # at once, before the clocks start: they run to critical targets
                await self._enact(
                    lifecycle.refer_to_safety(self._state, policy, self._now(), self._calendar)
                )
        else:
            assert input.continued is not None and self._policy is not None
            policy = self._policy
            self._read_calendar(policy)
            sla_clocks = input.continued.sla_clocks
            safety_first = resumed is Status.AWAITING_SAFETY
        watch_sla = None
        if sla_clocks and policy.sla.enabled:
            # `holidays` reads its translations (gettext) as it builds a country's calendar:
            # once, here, for the years the clocks know; never again while the clocks run.
            with workflow.unsafe.sandbox_unrestricted():
                self._sla = sla.fold_clocks(self._record.events, policy.sla)
            if not lean:  # since PUBLISH_AT_WAITS the first wait publishes them
                self._publish()
            if at_waits:
                self._waiting.watch_clocks(self._clock_at, self._clock_due)
            else:
                watch_sla = asyncio.create_task(self._watch_sla())
        paused = resumed is Status.PAUSED or self._in_operations_for(StaffRole.SPECIALIST)
        try:
            if resumed is not Status.CLOSED:
                await self._open(intake, policy, resumed, safety_first, paused)
            proposed = (
                resumed is not None
                and resumed not in (Status.AWAITING_SAFETY, Status.PAUSED, Status.AWAITING_DETAILS)
                and not paused
            )  # resumed inside the remedy loop or its aftercare: its wait is already open
            claim = [] if proposed else lifecycle.claim_order(self._state, policy)
            if self._patched_aftercare(bool(claim)):
                await self._enact(claim)  # a duplicate is linked to the open one, and closes
            while True:
                while not self._state.closed:
                    if not proposed:
                        await self._enact(
                            lifecycle.seek_remedy(self._state, policy, self._now(), self._calendar)
                        )
                    proposed = False
                    await self._agree_on_remedy()
                    if self._state.status in (Status.RESOLVED, Status.AWAITING_CONFIRMATION):
                        await self._follow_up()  # carried out
                await self._follow_up_employee()
                if not await self._after_closing():
                    break
                if watch_sla is not None and watch_sla.done():  # the clocks run again
                    watch_sla = asyncio.create_task(self._watch_sla())
        except Withdrawn:
            await self._enact(lifecycle.close(Outcome.WITHDRAWN, self._now()))
        await self._follow_up_employee()
        release = lifecycle.release_order(self._state, policy)
        if self._patched_aftercare(bool(release)):
            await self._enact(release)
        if lean:
            self._publish()  # the close
        if watch_sla is not None:
            await watch_sla
        await workflow.wait_condition(workflow.all_handlers_finished)  # issues no command
        return lifecycle.result(self._state, self._record.events)

    def _read_calendar(self, policy: CompanyPolicy) -> None:
        """The calendar of the business deadlines, once received; issues no command.
        `holidays` reads its translations (gettext) as it builds a country's calendar."""
        if deadlines.needs_calendar(policy):
            with workflow.unsafe.sandbox_unrestricted():
                self._calendar = deadlines.calendar_of(self._record.events, policy)

    async def _open(
        self,
        intake: ComplaintIntake,
        policy: CompanyPolicy,
        resumed: Status | None,
        safety_first: bool,
        paused: bool,
    ) -> None:
        """From the start (or a wait before the remedy loop) to the apology: the safety
        review, the pause (and the operations queue after it), the rude employee's
        escalation, listening."""
        if resumed in (None, Status.AWAITING_SAFETY) or paused:  # from a start or wait
            if safety_first:  # no agent remedy before a safety officer has seen it
                while not await self._waiting.until_acted():
                    await self._enact(
                        lifecycle.on_safety_silent(self._state, policy, self._now(), self._calendar)
                    )
            if intake.abusive:
                if not paused:
                    await self._enact(
                        lifecycle.pause_for_specialist(policy, self._now(), self._calendar)
                    )
                await self._await_specialist()
            if intake.category is Category.RUDE_EMPLOYEE:
                await self._enact(
                    lifecycle.escalate(
                        self._state,
                        EscalationReason.RUDE_EMPLOYEE,
                        None,
                        policy,
                        self._now(),
                        calendar=self._calendar,
                    )
                )
            await self._listen()
        elif resumed is Status.AWAITING_DETAILS:
            await self._await_details()
        if not self._state.apologised:
            await self._enact(lifecycle.apologise_and_thank(self._now()))

    def _patched_aftercare(self, matters: bool) -> bool:
        """Whether the `aftercare` patch applies, asked only where it `matters`."""
        if not matters:
            return False
        if self._aftercare is None:
            self._aftercare = workflow.patched(AFTERCARE)
        return self._aftercare

    async def _follow_up_employee(self) -> None:
        """The employee's side, once, when the complaint first closes."""
        intake = self._state.intake
        assert intake is not None
        if intake.category is Category.RUDE_EMPLOYEE and self._state.employee_follow_up is None:
            await self._enact(lifecycle.follow_up_employee(self._state))

    async def _after_closing(self) -> bool:
        """A resolved complaint stays open for its reopen window: the survey goes out after
        its delay; True when the customer reopened it (back to the remedy loop), False when
        the window passed or there is none."""
        state, policy = self._state, self._policy
        assert policy is not None
        if not self._patched_aftercare(lifecycle.gets_aftercare(state, policy)):
            return False
        if state.reopen_until is None:  # not resumed inside the window
            await self._enact(lifecycle.open_aftercare(state, policy, self._now(), self._calendar))
        while True:
            wait = self._waiting.entered
            assert wait is not None
            acted = await self._waiting.until_acted()
            if not self._state.closed:  # reopened, perhaps as the timer fired
                await self._enact(lifecycle.on_reopened_after_closing())
                return True
            if acted:
                continue
            if wait.on is WaitingOn.SURVEY_DATE:
                await self._enact(lifecycle.send_survey(self._state, self._now()))
                continue
            await self._enact(lifecycle.end_aftercare(self._now()))
            return False

    async def _fail(self, failure: ApplicationError) -> NoReturn:
        """Fail the run at its start; a client waiting (filing with `until`) gets the same
        failure, not an abandoned wait."""
        for _, answer in self._client_waits:
            answer.set_exception(failure)
        self._client_waits = []
        await workflow.wait_condition(workflow.all_handlers_finished)  # issues no command
        raise failure

    async def _await_specialist(self) -> None:
        """Until a specialist resumes the conversation: remind them; after the policy's
        reminders, move to the operations queue, and wait again once operations reassign it."""
        policy = self._policy
        while self._state.status in (Status.PAUSED, Status.IN_OPERATIONS):
            if self._state.status is Status.IN_OPERATIONS:
                await self._waiting.until_acted()
                if self._state.status is Status.PAUSED:  # reassigned
                    await self._enact(lifecycle.on_reassigned(self._state, policy, self._now()))
            elif not await self._waiting.until_acted():
                to_operations = self._bounded()
                await self._enact(
                    lifecycle.on_specialist_silent(
                        self._state, policy, self._now(), to_operations, self._calendar
                    )
                )

    def _bounded(self) -> bool:
        """Whether this silence moves the complaint to operations: the patch is asked only
        when the policy's reminders were all sent, so older histories replay as recorded."""
        due = lifecycle.due_for_operations(self._state, self._policy)
        return due and (self._publish_at_waits or workflow.patched(OPERATIONS_QUEUE))

    def _in_operations_for(self, role: StaffRole) -> bool:
        """Whether the complaint is in the operations queue, having waited for `role`."""
        case = self._state.operations
        in_queue = self._state.status is Status.IN_OPERATIONS
        return in_queue and case is not None and case.waited_for is role

    async def _listen(self) -> None:
        """Ask closed questions for what is missing, and wait for the answer, not forever."""
        questions = lifecycle.ask_for_details(
            self._state, self._policy, self._now(), self._calendar
        )
        if questions:
            await self._enact(questions)
            await self._await_details()

    async def _await_details(self) -> None:
        if not await self._waiting.until_acted():
            await self._enact(lifecycle.on_details_deadline(self._state, self._now()))

    async def _agree_on_remedy(self) -> None:
        """Wait on whoever must act next, and react, until a remedy is carried out or the
        complaint closes."""
        policy = self._policy
        while not self._state.closed and (wait := self._waiting.entered) is not None:
            match wait.on:
                case WaitingOn.CHOICE:
                    if not await self._waiting.until_acted():
                        await self._enact(lifecycle.on_choice_deadline(self._state, self._now()))
                    await self._enact(
                        lifecycle.on_solution_chosen(
                            self._state, policy, self._now(), self._calendar
                        )
                    )
                case WaitingOn.DECLINE_ANSWER:
                    acted = await self._waiting.until_acted()
                    await self._enact(
                        lifecycle.on_decline_answered(
                            self._state, policy, self._now(), self._calendar
                        )
                        if acted
                        else lifecycle.close(Outcome.DECLINED, self._now())
                    )
                case WaitingOn.MANAGER:
                    if await self._manager_decided():
                        await self._enact(
                            lifecycle.on_decision(self._state, policy, self._now(), self._calendar)
                        )
                case WaitingOn.OPERATIONS:
                    await self._waiting.until_acted()
                    if self._state.status is Status.AWAITING_MANAGER:  # reassigned
                        await self._enact(lifecycle.on_reassigned(self._state, policy, self._now()))
                case _:  # carried out: the follow-up comes next
                    return

    async def _manager_decided(self) -> bool:
        """Remind or move up until a manager decides: True then; False when the complaint
        moved to the operations queue instead."""
        while not await self._waiting.until_acted():
            to_operations = self._bounded()
            await self._enact(
                lifecycle.on_manager_silent(
                    self._state, self._policy, self._now(), to_operations, self._calendar
                )
            )
            if self._state.status is Status.IN_OPERATIONS:
                return False
        return True

    async def _follow_up(self) -> None:
        """Confirm the fix worked: 'not fixed' reopens, silence after a reminder closes it."""
        while not await self._waiting.until_acted():
            await self._enact(
                lifecycle.on_follow_up_silent(
                    self._state, self._policy, self._now(), self._calendar
                )
            )
            if self._state.closed:
                return
        await self._enact(lifecycle.on_follow_up_answered(self._state, self._now()))

    async def _call_back(self) -> None:
        """The promised callback, made on time even without news."""
        await self._enact(
            lifecycle.promise_callback(
                self._state,
                MessageKind.CALLBACK,
                self._policy,
                self._now(),
                calendar=self._calendar,
            )
        )

    # ------------------------------------------------------------------ continue-as-new

    def _resume(self, continued: Continuation | None) -> Status | None:
        """Take over the record a previous run carried; the status it waits in (None for a
        new complaint). Only a run started by continue-as-new may carry one."""
        if continued is None:
            return None
        if workflow.info().continued_run_id is None:
            raise ApplicationError(
                "continued: only the workflow itself carries a record into a new run; "
                "start a complaint with its intake",
                type=FailureType.INVALID_INPUT,
                non_retryable=True,
            )
        self._policy = continued.policy
        self._record = Record.restore(continued.events, continued.effects_per_step)
        self._waiting.follow(self._state)
        return self._state.status

    async def _continue_if_long(self, wait: Wait) -> None:
        """At a wait (a safe point), once history is long: finish the handlers, then carry
        the record, the key counts and the policy into a new run of the same workflow id.
        Not while a client waits (`wait_until`): it would hold the run; the next wait tries
        again."""
        info, policy = workflow.info(), self._policy
        limit = policy.continue_as_new_after_events if policy else None
        long = limit is not None and info.get_current_history_length() >= limit
        if not (long or info.is_continue_as_new_suggested()) or self._client_waits:
            return
        await workflow.wait_condition(workflow.all_handlers_finished)
        if waiting_for(self._state) != wait or policy is None:
            return  # an update moved the complaint on: react first
        carried = Continuation(
            events=self._record.events,
            effects_per_step=self._record.effects_per_step,
            policy=policy,
            sla_clocks=self._sla is not None,
        )
        workflow.continue_as_new(
            self._input.model_copy(update={"continued": carried}),
            initial_versioning_behavior=CONTINUE_AS_NEW_VERSIONING,
        )

    def _clock_at(self) -> datetime | None:
        """The SLA clocks' next warning or breach (None while no clock runs)."""
        return None if self._sla is None else sla.next_timer(self._sla)

    async def _clock_due(self) -> None:
        """Record the warnings and breaches due now; a breach may page a manager."""
        assert self._sla is not None
        await self._enact(sla.on_clock_due(self._sla, self._policy, self._now()))

    async def _watch_sla(self) -> None:
        """Before SLA_AT_WAITS: a timer to the clocks' next warning or breach, beside the
        lifecycle, re-armed when that moment moves; ends when the complaint closes. Since
        PUBLISH_AT_WAITS it publishes the clocks' values itself only while the complaint
        waits; while it acts, its next wait or its close publishes them with the rest."""
        while not self._state.closed:
            wake, now = self._clock_at(), self._now()
            if wake is not None and wake <= now:
                await self._clock_due()
                continue
            if self._publish_at_waits and self._waiting.on is not None:
                self._publish(clocks_only=True)
            try:
                await workflow.wait_condition(
                    lambda at=wake: self._state.closed or self._clock_at() != at,
                    timeout=None if wake is None else wake - now,
                    timeout_summary="SLA clock",
                )
            except TimeoutError:
                pass

    # ------------------------------------------------------------------ record and act

    async def _enact(self, plan: Plan) -> None:
        """Record each event and run each effect, in the plan's order; an effect's result
        adds what `lifecycle.after` says it means."""
        if (
            self._sla is not None
            and sla.promises_callback(plan)
            and (self._publish_at_waits or workflow.patched(CALLBACKS_KEEP_SLA))
        ):
            plan = sla.keep_callbacks_on_time(plan, self._sla, self._now())
        for step in plan:
            if isinstance(step, Effect):
                if not isinstance(step, Tell):  # a message is local and quick: the others
                    self._waiting.settle()  # let time pass, the left timer would fire
                result = await effects.run(step, self._state, self._record.key, self._policy)
                if self._state.acknowledged and not self._acknowledgement_out:
                    self._acknowledgement_out = True  # the first effect after it is the message
                    self._answer_waits()
                await self._enact(
                    lifecycle.after(
                        step, result, self._state, self._policy, self._now(), self._calendar
                    )
                )
            else:
                self._append(step)

    def _append(self, event: DomainEvent) -> None:
        self._record.append(event)
        if self._sla is not None:
            self._sla = sla.evolve_clocks(self._sla, event)
        if workflow.current_update_info() is None:
            self._waiting.follow(self._state)
            if not self._publish_at_waits:
                self._publish()
                return
        self._describe()  # the main coroutine publishes it when it next waits

    def _publish(self, clocks_only: bool = False) -> None:
        """Let visibility follow the record; only changed values, as each upsert is an event
        (`clocks_only`: the SLA keys alone).

        Only the workflow's own coroutines upsert: an update handler issues no command of its
        own, so where an update lands in history never changes which commands surround it.
        """
        wanted = {} if clocks_only else search_attributes.search_attributes_for(self._state)
        if self._sla is not None:
            wanted = {**wanted, **search_attributes.sla_values(self._sla)}
        listed = self._listed and not clocks_only
        if listed:
            wanted = {**wanted, **search_attributes.listed_values(self._state)}
        changed = search_attributes.changes(workflow.info().typed_search_attributes, wanted)
        if changed:
            workflow.upsert_search_attributes(changed)
        if listed:
            listed_row = search_attributes.listing_for(self._state)
            listing = listed_row.model_dump(mode="json")
            first = self._listing is None
            if listing != self._listing and not (
                first and self._fewer_events and not listed_row.lists_something
            ):
                workflow.upsert_memo({LISTING_MEMO: listing})
                self._listing = listing
        self._describe()

    def _describe(self) -> None:
        """The UI's current details; served by a query, so it costs no history."""
        workflow.set_current_details(current_details(self._state, self._waiting.on, self._policy))
        self._answer_waits()

    def _answer_waits(self) -> None:
        """Answer each client waiting for where the complaint now is; refuse those waiting
        for what can no longer happen (so no handler outlives the run)."""
        for wait, answer in self._client_waits:
            if self._reached(wait):
                answer.set_result(self._state)
            elif (why := progress.never(wait, self._state)) is not None:
                answer.set_exception(
                    ApplicationError(
                        f"cannot wait for {wait.describe()}: {why}",
                        type=FailureType.INVALID_ACTION,
                        non_retryable=True,
                    )
                )
        self._client_waits = [w for w in self._client_waits if not w[1].done()]

    def _reached(self, wait: WaitFor) -> bool:
        return progress.reached(wait, self._state, self._waiting.on, self._acknowledgement_out)

    def _now(self) -> datetime:
        return workflow.now()

    # ------------------------------------------------------------------ queries

    @workflow.query
    def state(self) -> ComplaintState:
        return self._state

    @workflow.query
    def events(self) -> list[DomainEvent]:
        return self._record.events

    @workflow.query
    def waiting_on(self) -> WaitingOn | None:
        """Whom the complaint is waiting on right now; None while it acts."""
        return self._waiting.on

    # ------------------------------------------------------------------ updates

    def _accept(self, command: Command, action: Any) -> ActionReceipt:
        """Record what the command decides (its validator already ran it)."""
        for event in command(self._state, action, self._policy, self._now()):
            self._append(event)
        return self._receipt()

    async def _accept_then_wait(self, command: Command, action: CustomerAction) -> ActionReceipt:
        """Record the customer's action, then answer once the complaint reaches the action's
        `then_wait_for` (at once when it asks for none). The action stands either way."""
        receipt = self._accept(command, action)
        if action.then_wait_for is None:
            return receipt
        try:
            await self._until(action.then_wait_for)
        except ApplicationError:  # timed out, or it can no longer get there
            return self._receipt(reached=False)
        return self._receipt(reached=True)

    def _receipt(self, reached: bool | None = None) -> ActionReceipt:
        return ActionReceipt(
            complaint_id=self._state.complaint_id,
            status=self._state.status.value,
            event_count=len(self._record.events),
            reached=reached,
        )

    def _validate(self, command: Command, action: Any) -> None:
        """Run the command and discard its events: a refusal rejects the update."""
        try:
            command(self._state, action, self._policy, self._now())
        except InvalidAction as refusal:
            metrics.on_refused(command.__name__)
            raise ApplicationError(
                str(refusal), type=FailureType.INVALID_ACTION, non_retryable=True
            ) from None

    @workflow.update
    def provide_details(self, details: CustomerDetails) -> ActionReceipt:
        return self._accept(commands.provide_details, details)

    @provide_details.validator
    def _check_details(self, details: CustomerDetails) -> None:
        self._validate(commands.provide_details, details)

    @workflow.update
    async def choose_solution(self, choice: CustomerChoice) -> ActionReceipt:
        return await self._accept_then_wait(commands.choose_solution, choice)

    @choose_solution.validator
    def _check_choice(self, choice: CustomerChoice) -> None:
        self._validate(commands.choose_solution, choice)

    @workflow.update
    async def appeal(self, appeal: Appeal) -> ActionReceipt:
        return await self._accept_then_wait(commands.appeal, appeal)

    @appeal.validator
    def _check_appeal(self, appeal: Appeal) -> None:
        self._validate(commands.appeal, appeal)

    @workflow.update
    async def answer_follow_up(self, answer: FollowUpAnswer) -> ActionReceipt:
        return await self._accept_then_wait(commands.answer_follow_up, answer)

    @answer_follow_up.validator
    def _check_answer(self, answer: FollowUpAnswer) -> None:
        self._validate(commands.answer_follow_up, answer)

    @workflow.update
    async def withdraw(self, withdrawal: Withdrawal) -> ActionReceipt:
        return await self._accept_then_wait(commands.withdraw, withdrawal)

    @withdraw.validator
    def _check_withdrawal(self, withdrawal: Withdrawal) -> None:
        self._validate(commands.withdraw, withdrawal)

    @workflow.update
    def resume(self, signed: SignedAssertion) -> ActionReceipt:
        return self._accept(commands.resume, signed)

    @resume.validator
    def _check_resume(self, signed: SignedAssertion) -> None:
        self._validate(commands.resume, signed)

    @workflow.update
    def decide_escalation(self, signed: SignedAssertion) -> ActionReceipt:
        return self._accept(commands.decide_escalation, signed)

    @decide_escalation.validator
    def _check_decision(self, signed: SignedAssertion) -> None:
        self._validate(commands.decide_escalation, signed)

    @workflow.update
    async def wait_until(self, wait: WaitFor) -> ComplaintState:
        """Answer when the complaint reaches `wait`, with its state then; no polling.

        Records nothing. Refused at once, or later, when it can no longer get there; fails
        with `WaitTimedOut` when `wait.timeout` passes first.
        """
        return await self._until(wait)

    async def _until(self, wait: WaitFor) -> ComplaintState:
        """The state once the complaint reaches `wait`; `WaitTimedOut` when its timeout
        passes first, an invalid action when it can no longer get there."""
        if self._reached(wait):
            return self._state
        answer: asyncio.Future[ComplaintState] = asyncio.get_running_loop().create_future()
        self._client_waits.append((wait, answer))
        try:
            await workflow.wait_condition(
                answer.done, timeout=wait.timeout, timeout_summary="a client's wait_until"
            )
        except TimeoutError:
            self._client_waits = [w for w in self._client_waits if w[1] is not answer]
            raise ApplicationError(
                f"the complaint did not reach {wait.describe()} within {wait.timeout}",
                type=FailureType.WAIT_TIMED_OUT,
                non_retryable=True,
            ) from None
        return answer.result()

    @wait_until.validator
    def _check_wait(self, wait: WaitFor) -> None:
        self._validate(commands.wait_until, wait)

    @workflow.update
    def reassign(self, signed: SignedAssertion) -> ActionReceipt:
        return self._accept(self._on_calendar(commands.reassign), signed)

    @reassign.validator
    def _check_reassign(self, signed: SignedAssertion) -> None:
        self._validate(self._on_calendar(commands.reassign), signed)

    def _on_calendar(self, command: Command) -> Command:
        """`command` given the business deadlines' calendar (and still named as it is)."""
        return functools.wraps(command)(functools.partial(command, calendar=self._calendar))

    @workflow.update
    def acknowledge_safety(self, signed: SignedAssertion) -> ActionReceipt:
        return self._accept(commands.acknowledge_safety, signed)

    @acknowledge_safety.validator
    def _check_safety(self, signed: SignedAssertion) -> None:
        self._validate(commands.acknowledge_safety, signed)

    @workflow.update
    async def reopen(self, request: ReopenRequest) -> ActionReceipt:
        return await self._accept_then_wait(commands.reopen, request)

    @reopen.validator
    def _check_reopen(self, request: ReopenRequest) -> None:
        self._validate(commands.reopen, request)

    @workflow.update
    async def answer_survey(self, answer: SurveyAnswer) -> ActionReceipt:
        return await self._accept_then_wait(commands.answer_survey, answer)

    @answer_survey.validator
    def _check_survey(self, answer: SurveyAnswer) -> None:
        self._validate(commands.answer_survey, answer)
