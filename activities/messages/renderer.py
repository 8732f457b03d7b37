"""A customer message from its kind, language, channel and facts.

What each kind says follows the customer-service literature the project is built on (see
the seed notes): restate and apologise at once, thank the customer for telling us, let them
choose, explain a refusal with the figures and why the rule exists, keep every promised
contact, follow up, and always say what happens if the customer stays silent.

The words come from the catalogues (`catalogue.py`), dates, times and money from Babel
(`formatting.py`). The channel decides the form: email, chat, phone and in-store messages
have a greeting, paragraphs and a sign-off; an SMS is a few sentences after the complaint
number. Only the phone channel promises a call; every channel says how to answer on it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from activities.messages import formatting as fmt
from activities.messages.catalogue import Catalogue, MissingTemplateError, catalogue
from domain.decisions import WHY_POLICY_EXISTS
from schemas.events import EscalationReason
from schemas.intake import Channel, Language
from schemas.messages import CustomerMessage, MessageContext, MessageKind, RenderedMessage
from schemas.remedies import DeclineCode, DeclineReason, Remedy, RemedyKind

UNPRICED = frozenset({RemedyKind.REPAIR, RemedyKind.EXPLANATION})
"""Remedies whose amount is what they cost us, not what the customer gets: never shown."""

EXPECTS_ANSWER = frozenset(
    {
        MessageKind.ACKNOWLEDGEMENT,
        MessageKind.DETAILS_REQUEST,
        MessageKind.PROPOSALS,
        MessageKind.DECLINE,
        MessageKind.FOLLOW_UP,
        MessageKind.FOLLOW_UP_REMINDER,
        MessageKind.SURVEY,
    }
)
"""Kinds that end by saying how to answer on the customer's channel."""

_WHY: dict[EscalationReason, str] = {
    EscalationReason.NO_RECEIPT: "decline.why.no_receipt",
    EscalationReason.OUTSIDE_RETURN_WINDOW: "decline.why.outside_return_window",
    EscalationReason.BEYOND_AUTHORITY: "decline.why.beyond_authority",
    EscalationReason.MISSING_DETAILS: "decline.why.missing_details",
}
_ESCALATION_OF_WHY = {text: reason for reason, text in WHY_POLICY_EXISTS.items()}
"""A manager's denial carries the domain's English "why the policy exists" for the rule the
escalation was about; this finds that rule again, to explain it in the customer's language."""


class _Writer:
    """The catalogue, the facts and the channel of one message, with the wording helpers."""

    def __init__(self, language: Language, channel: Channel, context: MessageContext) -> None:
        self.language, self.channel, self.c = language, channel, context
        self.cat: Catalogue = catalogue(language)
        self.short = channel is Channel.SMS

    def __call__(self, key: str, **fields: object) -> str:
        return self.cat.text(key, **fields)

    def n(self, key: str, count: int, **fields: object) -> str:
        return self.cat.plural(key, count, **fields)

    def sentences(self, *parts: str | None) -> str:
        return _sentences(*parts, language=self.language)

    def contact(self, key: str) -> str:
        """The phone channel's variant ("we will call you") of a promise to get in touch."""
        return f"{key}.phone" if self.channel is Channel.PHONE else key

    def manager_note(self, standard: bool = True) -> str | None:
        """The manager's note if it is in the customer's language; else, with `standard`,
        a sentence in their language saying a manager reviewed the complaint in person."""
        note = self.c.manager_note
        if note is None:
            return None
        if note.language is self.language:
            return self("manager.note", note=note.text)
        return self("manager.reviewed") if standard else None

    def money(self, remedy: Remedy) -> str:
        return fmt.money(remedy.amount, remedy.currency or self.c.currency, self.language)

    def promise(self, moment: datetime) -> str:
        return fmt.day_text(fmt.promised_day(moment, self.c.time_zone), self.language)

    def deadline(self, moment: datetime) -> str:
        told = fmt.deadline_moment(moment, self.c.time_zone)
        zone_key = f"zone.{self.c.time_zone}"
        zone = self(zone_key) if self.cat.has(zone_key) else fmt.zone_offset(told, self.language)
        return self(
            "when.deadline",
            date=fmt.day_text(told.date(), self.language),
            time=fmt.time_text(told, self.language),
            zone=zone,
        )

    def option(self, remedy: Remedy, recommended: bool = False) -> str:
        key = f"option.{remedy.kind.value}"
        priced = remedy.amount > 0 and remedy.kind not in UNPRICED
        key += ".amount" if priced else ""
        key += ".recommended" if recommended else ""
        return self(key, amount=self.money(remedy)) if priced else self(key)

    def done(self, remedy: Remedy) -> str:
        key = f"resolution.done.{remedy.kind.value}"
        if remedy.amount > 0 and remedy.kind not in UNPRICED:
            return self(f"{key}.amount", amount=self.money(remedy))
        return self(key)


Parts = list[str | None]
"""Paragraphs (or, in an SMS, sentences) of a body; None means "leave out"."""


_FULL_WIDTH = frozenset({Language.ZH})
"""Languages written without spaces between sentences, with full-width punctuation."""


def _sentences(*parts: str | None, language: Language = Language.EN) -> str:
    gap = "" if language in _FULL_WIDTH else " "
    return gap.join(part for part in parts if part)


def _inline(items: list[str], language: Language) -> str:
    """A list run into a sentence, as an SMS has it."""
    if language in _FULL_WIDTH:
        return "；".join(items) + "。"
    return "; ".join(items) + "."


def _numbered(items: list[str], inline: bool, language: Language) -> str:
    if inline:
        return _inline([f"{n}) {item}" for n, item in enumerate(items, start=1)], language)
    return "\n".join(f"{n}. {item}" for n, item in enumerate(items, start=1))


def _bulleted(items: list[str], inline: bool, language: Language) -> str:
    return _inline(items, language) if inline else "\n".join(f"- {item}" for item in items)


# ---------------------------------------------------------------------- one builder per kind


def _acknowledgement(w: _Writer) -> Parts:
    c = w.c
    about = w(f"ack.about.{c.category.value}") if c.category else None
    order = w("ack.order", order=c.order_reference) if c.order_reference else None
    after = w("ack.safety") if c.safety_review else w("ack.next")
    if c.with_thanks:
        restated = w.sentences(about, order, w("ack.apology"), w("ack.thanks"))
        if w.short:
            return [restated, after]
        return [
            w("ack.registered", complaint_id=c.complaint_id),
            restated,
            w("ack.listening"),
            after,
        ]
    restated = w.sentences(about, order, w("ack.apology"))
    if w.short:
        return [restated, after]
    return [
        w("ack.received", complaint_id=c.complaint_id),
        restated,
        w("ack.listening"),
        after,
    ]


def _details_request(w: _Writer) -> Parts:
    c = w.c
    questions = [w(f"details.q.{field.value}") for field in c.missing_details] or [
        w("details.q_open")
    ]
    by = (
        w.sentences(w("details.reply_by", deadline=w.deadline(c.reply_by)), w("details.silence"))
        if c.reply_by
        else None
    )
    if w.short:
        return [w("details.intro"), _numbered(questions, True, w.language), by]
    return [w("details.intro"), _numbered(questions, False, w.language), by, w("details.thanks")]


def _pause(w: _Writer) -> Parts:
    c = w.c
    if c.specialist_by and c.written_at:
        days = fmt.whole_days(c.written_at, c.specialist_by)
        next_step = w.n(w.contact("pause.next"), days, date=w.promise(c.specialist_by))
    else:
        next_step = w("pause.next_soon")
    return [w("pause.body"), w.sentences(w("pause.kept"), next_step)]


def _apology(w: _Writer) -> Parts:
    if w.short:
        return [w("apology.body")]
    return [w("apology.body"), w("apology.next", complaint_id=w.c.complaint_id)]


def _thanks(w: _Writer) -> Parts:
    return [w("thanks.body")] if w.short else [w("thanks.body"), w("thanks.improve")]


def _proposals(w: _Writer) -> Parts:
    c = w.c
    options = c.options or ([c.default_option] if c.default_option else [])
    choice = len(options) > 1
    items = [w.option(o, recommended=choice and o == c.default_option) for o in options]
    if c.reply_by:
        choose = w("proposals.choose_by", deadline=w.deadline(c.reply_by))
        if c.default_option in options:
            number = options.index(c.default_option) + 1
            choose = w.sentences(choose, w("proposals.silence", number=number))
    else:
        choose = w("proposals.choose")
    listed = _numbered(items, w.short, w.language)
    note = w.manager_note()
    if w.short:
        return [w("proposals.intro"), listed, choose]
    return [note, w("proposals.intro"), listed, choose, w("proposals.other")]


def _resolution(w: _Writer) -> Parts:
    c = w.c
    if c.remedy is None:
        done, next_steps = w("resolution.done_generic"), w("resolution.next_generic")
    else:
        done, next_steps = w.done(c.remedy), w(f"resolution.next.{c.remedy.kind.value}")
    reference = (
        w("resolution.reference", reference=c.remedy_reference) if c.remedy_reference else None
    )
    if c.follow_up_on:
        follow_up = w(w.contact("resolution.follow_up"), date=w.promise(c.follow_up_on))
    else:
        follow_up = w("resolution.follow_up_soon")
    if w.short:
        return [w.sentences(done, reference), follow_up]
    return [w.sentences(done, reference), w.manager_note(), next_steps, follow_up]


def _figures(w: _Writer) -> str | None:
    """The window and the purchase's age, when both are known and the window is over."""
    c = w.c
    if c.purchase_date is None or c.written_at is None or c.return_window_days is None:
        return None
    # The purchase's age as the domain measured it: in whole UTC days.
    written = c.written_at if c.written_at.tzinfo else c.written_at.replace(tzinfo=UTC)
    age = (written.astimezone(UTC).date() - c.purchase_date).days
    if age <= c.return_window_days:
        return None
    return w(
        "decline.figures",
        window=w.n("decline.window", c.return_window_days),
        age=w.n("decline.age", age),
    )


def _reason(w: _Writer, reason: DeclineReason) -> str:
    """The rule, the figures, and why the rule exists: in the customer's language only."""
    code = reason.code
    if code is not DeclineCode.MANAGER_DENIED:
        why = None if w.short else w(f"decline.why.{code.value}")
        figures = _figures(w) if code is DeclineCode.OUTSIDE_RETURN_WINDOW else None
        return w.sentences(w(f"decline.rule.{code.value}"), figures, why)
    # The manager's reason is internal (`reason.rule`): the customer reads their note, if any.
    quoted = w.manager_note(standard=False)
    figures = _figures(w)
    escalated = _ESCALATION_OF_WHY.get(reason.why_policy_exists)
    if escalated in _WHY:
        why = w(_WHY[escalated])
    elif figures:  # an appeal of a return-window decline
        why = w("decline.why.outside_return_window")
    else:
        why = w("decline.why.default")
    return w.sentences(w("decline.rule.manager_denied"), quoted, figures, None if w.short else why)


def _decline(w: _Writer) -> Parts:
    c = w.c
    reasons = [_reason(w, reason) for reason in c.reasons]
    alternatives = [w.option(remedy) for remedy in c.alternatives]
    offered = None
    if alternatives:
        listed = _bulleted(alternatives, w.short, w.language)
        intro = w("decline.alternatives_intro")
        offered = w.sentences(intro, listed) if w.short else f"{intro}\n{listed}"
    answer = None
    if c.reply_by:
        variant = {(True, True): "both", (True, False): "alternatives", (False, True): "appeal"}
        key = variant.get((bool(alternatives), c.can_appeal), "none")
        answer = w(f"decline.reply_by.{key}", deadline=w.deadline(c.reply_by))
    if w.short:
        return [*reasons, offered, answer]
    return [
        w("decline.intro"),
        *reasons,
        w("decline.understanding"),
        offered,
        w("decline.appeal") if c.can_appeal else None,
        answer,
    ]


def _escalation_notice(w: _Writer) -> Parts:
    c = w.c
    level_key = f"escalation.handover.{c.manager_level}"
    handover = w(level_key) if c.manager_level and w.cat.has(level_key) else None
    handover = handover or w("escalation.handover.other")
    if c.callback_by:
        callback = w(w.contact("escalation.callback_by"), date=w.promise(c.callback_by))
    else:
        callback = w("escalation.callback_soon")
    return [handover, callback]


def _callback(w: _Writer) -> Parts:
    c = w.c
    next_call = (
        w(w.contact("callback.next"), date=w.promise(c.callback_by)) if c.callback_by else None
    )
    if w.short:
        return [w("callback.status"), next_call]
    return [w("callback.status"), next_call, w("callback.thanks")]


def _moved_to_operations(w: _Writer) -> Parts:
    """Nobody took the complaint up in time: say so, say who takes it over, and keep only the
    promise already made (the callback); no new date."""
    c = w.c
    if c.callback_by:
        next_step = w(w.contact("operations.callback_by"), date=w.promise(c.callback_by))
    else:
        next_step = w("operations.next")
    if w.short:
        return [w.sentences(w("operations.delay"), w("operations.handover")), next_step]
    return [
        w("operations.delay"),
        w.sentences(w("operations.handover"), w("pause.kept")),
        next_step,
    ]


def _follow_up(w: _Writer) -> Parts:
    c = w.c
    by = (
        w.sentences(
            w("follow_up.reply_by", deadline=w.deadline(c.reply_by)), w("follow_up.silence")
        )
        if c.reply_by
        else None
    )
    if w.short:
        return [w("follow_up.question"), by]
    return [
        w("follow_up.check", complaint_id=c.complaint_id),
        w("follow_up.question"),
        by,
        w("follow_up.reopen"),
    ]


def _follow_up_reminder(w: _Writer) -> Parts:
    c = w.c
    by = (
        w.sentences(w("reminder.reply_by", deadline=w.deadline(c.reply_by)), w("reminder.silence"))
        if c.reply_by
        else None
    )
    if w.short:
        return [w("reminder.question"), by]
    return [w("reminder.check", complaint_id=c.complaint_id), w("reminder.question"), by]


def _reopened(w: _Writer) -> Parts:
    return [w("reopened.apology"), w("reopened.next")]


def _closing(w: _Writer) -> Parts:
    key = f"closing.{w.c.outcome.value}" if w.c.outcome else "closing.default"
    return [w(key, complaint_id=w.c.complaint_id)]


def _survey(w: _Writer) -> Parts:
    c = w.c
    by = w("survey.reply_by", deadline=w.deadline(c.reply_by)) if c.reply_by else None
    if w.short:
        return [w("survey.question"), by]
    return [
        w("survey.intro", complaint_id=c.complaint_id),
        w("survey.question"),
        by,
        w("survey.reopen"),
    ]


def _linked(w: _Writer) -> Parts:
    c = w.c
    return [w("linked.added"), w("linked.next", linked_to=c.linked_to) if c.linked_to else None]


_BUILDERS: dict[MessageKind, Callable[[_Writer], Parts]] = {
    MessageKind.ACKNOWLEDGEMENT: _acknowledgement,
    MessageKind.DETAILS_REQUEST: _details_request,
    MessageKind.PAUSE: _pause,
    MessageKind.APOLOGY: _apology,
    MessageKind.THANKS: _thanks,
    MessageKind.PROPOSALS: _proposals,
    MessageKind.RESOLUTION: _resolution,
    MessageKind.DECLINE: _decline,
    MessageKind.ESCALATION_NOTICE: _escalation_notice,
    MessageKind.CALLBACK: _callback,
    MessageKind.MOVED_TO_OPERATIONS: _moved_to_operations,
    MessageKind.FOLLOW_UP: _follow_up,
    MessageKind.FOLLOW_UP_REMINDER: _follow_up_reminder,
    MessageKind.REOPENED: _reopened,
    MessageKind.CLOSING: _closing,
    MessageKind.SURVEY: _survey,
    MessageKind.LINKED: _linked,
}


def render(
    kind: MessageKind, language: Language, channel: Channel, context: MessageContext
) -> RenderedMessage:
    """Subject and plain-text body of one customer message.

    Raises `MissingTemplateError` (a `KeyError`) if the language has no catalogue or lacks a
    message the kind needs; facts that are not set are left out.
    """
    kind, language, channel = MessageKind(kind), Language(language), Channel(channel)
    try:
        build = _BUILDERS[kind]
    except KeyError:
        raise MissingTemplateError(f"no builder for message kind {kind.value!r}") from None
    w = _Writer(language, channel, context)
    parts = [part for part in build(w) if part]
    if kind in EXPECTS_ANSWER:
        parts.append(w(f"answer.{channel.value}", complaint_id=context.complaint_id))
    if w.short:
        body = w.sentences(w("sms.prefix", complaint_id=context.complaint_id), *parts)
    else:
        greeting = w("greeting", name=context.customer_name)
        body = "\n\n".join([greeting, *parts, w("sign_off")])
    return RenderedMessage(
        subject=w(f"subject.{kind.value}", complaint_id=context.complaint_id), body=body
    )


def render_message(message: CustomerMessage) -> RenderedMessage:
    """What the send-message activity delivers for `message`."""
    return render(message.kind, message.language, message.channel, message.context)
