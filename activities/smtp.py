"""Email to customers over SMTP: a delivery option in front of any backend.

`SmtpMessages(backend, config)` sends email-channel messages to a customer with an email
address itself, and hands every other message and effect to `backend` (the HTTP or the local
one). Settings come from the environment (`SmtpConfig.from_env`, see docs/operators.md).

A retried send must be recognised. Each message's `Message-ID` is derived from its
idempotency key, so every attempt carries the same one; the sender records the keys it has
sent (`SentLedger`, a SQLite file shared by the worker's attempts) and answers a repeated key
with the first receipt, `duplicate=True`, without connecting. Should a worker die between the
server's acceptance and that record, the retry goes out again under the same Message-ID,
which mail stores use to drop the copy.

A recipient the server refuses for good (5xx on RCPT) is a bounce: like the HTTP contract's
notify service, we log it and return the receipt. Every other failure (connection, TLS,
authentication, 4xx) is worth retrying and raises `BackendUnavailableError`.
"""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
import ssl
from collections.abc import Mapping
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import aiosmtplib
import structlog
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from activities.backend import BackendUnavailableError, ComplaintBackend
from schemas.effects import (
    EmployeeFollowUp,
    EmployeeFollowUpReceipt,
    ManagerPage,
    PageReceipt,
    RemedyOrder,
    RemedyReceipt,
)
from schemas.intake import Channel
from schemas.messages import CustomerMessage, DeliveryReceipt, RenderedMessage

logger = structlog.get_logger()

SMTP_ENV = {
    "host": "COMPLAINTS_SMTP_HOST",
    "port": "COMPLAINTS_SMTP_PORT",
    "sender": "COMPLAINTS_SMTP_FROM",
    "starttls": "COMPLAINTS_SMTP_STARTTLS",
    "implicit_tls": "COMPLAINTS_SMTP_TLS",
    "username": "COMPLAINTS_SMTP_USERNAME",
    "password": "COMPLAINTS_SMTP_PASSWORD",
    "ca_file": "COMPLAINTS_SMTP_CA_FILE",
    "timeout_s": "COMPLAINTS_SMTP_TIMEOUT_S",
    "ledger": "COMPLAINTS_SMTP_LEDGER",
}
"""COMPLAINTS_SMTP_HOST and COMPLAINTS_SMTP_FROM turn email over SMTP on; the rest is optional."""

_FLAGS = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}


class SmtpConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    host: str = Field(min_length=1)
    port: int = Field(default=587, ge=1, le=65535)
    sender: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    """The From address; its domain names the Message-IDs."""
    starttls: bool = True
    """Upgrade the connection with STARTTLS (port 587); required, not opportunistic."""
    implicit_tls: bool = False
    """TLS from the first byte (port 465) instead of STARTTLS."""
    username: str | None = None
    password: SecretStr | None = None
    ca_file: Path | None = None
    """Certificates to trust instead of the system's (a private relay)."""
    timeout_s: float = Field(default=30.0, gt=0)
    ledger: Path = Path("data/smtp-sent.db")

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> SmtpConfig | None:
        """The settings, or None when SMTP is not configured."""
        if not env.get(SMTP_ENV["host"]):
            return None
        fields: dict[str, object] = {}
        for field, name in SMTP_ENV.items():
            value = env.get(name)
            if not value:
                continue
            if field in ("starttls", "implicit_tls"):
                if value.lower() not in _FLAGS:
                    raise ValueError(f"{name} must be true or false, not {value!r}")
                fields[field] = _FLAGS[value.lower()]
            else:
                fields[field] = value
        if "sender" not in fields:
            raise ValueError(f"{SMTP_ENV['host']} needs {SMTP_ENV['sender']}")
        if fields.get("implicit_tls") and "starttls" not in fields:
            fields["starttls"] = False
        return cls.model_validate(fields)

    @property
    def domain(self) -> str:
        return self.sender.rpartition("@")[2]


def message_id(idempotency_key: str, domain: str) -> str:
    """The same for every attempt of one message, different for every other message."""
    digest = hashlib.sha256(idempotency_key.encode("utf-8")).hexdigest()[:32]
    return f"<{digest}@{domain}>"


class SentLedger:
    """The keys this sender has handed to the SMTP server, in one SQLite file."""

    def __init__(self, path: Path) -> None:
        self._path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS sent (idempotency_key TEXT PRIMARY KEY,"
                " message_id TEXT NOT NULL, sent_at TEXT NOT NULL)"
            )

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self._path, timeout=10.0)

    def _seen(self, key: str) -> str | None:
        with self._connect() as conn:
            row = conn.execute(
                "SELECT message_id FROM sent WHERE idempotency_key = ?", (key,)
            ).fetchone()
        return row[0] if row else None

    def _record(self, key: str, mid: str) -> None:
        with self._connect() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO sent VALUES (?, ?, ?)",
                (key, mid, datetime.now(UTC).isoformat()),
            )

    async def seen(self, key: str) -> str | None:
        return await asyncio.to_thread(self._seen, key)

    async def record(self, key: str, mid: str) -> None:
        await asyncio.to_thread(self._record, key, mid)


class SmtpMessages:
    """A `ComplaintBackend` that sends email-channel messages over SMTP itself."""

    def __init__(self, inner: ComplaintBackend, config: SmtpConfig) -> None:
        self._inner = inner
        self._config = config
        self._ledger = SentLedger(config.ledger)
        self._tls = ssl.create_default_context(cafile=config.ca_file) if config.ca_file else None

    def email(self, message: CustomerMessage, rendered: RenderedMessage) -> EmailMessage:
        """The email as sent: plain UTF-8 text, in the customer's language."""
        assert message.contact.email is not None
        email = EmailMessage()
        email["From"] = self._config.sender
        email["To"] = message.contact.email
        email["Subject"] = rendered.subject
        email["Message-ID"] = message_id(message.idempotency_key, self._config.domain)
        email["Date"] = format_datetime(datetime.now(UTC))
        email["X-Complaint-Id"] = message.complaint_id
        email.set_content(rendered.body, charset="utf-8")
        email["Content-Language"] = message.language.value  # set_content resets Content-*
        return email

    async def deliver_message(
        self, message: CustomerMessage, rendered: RenderedMessage
    ) -> DeliveryReceipt:
        if message.channel is not Channel.EMAIL or not message.contact.email:
            return await self._inner.deliver_message(message, rendered)
        mid = message_id(message.idempotency_key, self._config.domain)
        if await self._ledger.seen(message.idempotency_key):
            return DeliveryReceipt(message_id=mid, duplicate=True)
        await self._send(self.email(message, rendered), message)
        await self._ledger.record(message.idempotency_key, mid)
        return DeliveryReceipt(message_id=mid)

    async def _send(self, email: EmailMessage, message: CustomerMessage) -> None:
        config = self._config
        log = logger.bind(
            complaint_id=message.complaint_id, idempotency_key=message.idempotency_key
        )
        try:
            await aiosmtplib.send(
                email,
                hostname=config.host,
                port=config.port,
                username=config.username,
                password=config.password.get_secret_value() if config.password else None,
                start_tls=config.starttls and not config.implicit_tls,
                use_tls=config.implicit_tls,
                tls_context=self._tls,
                timeout=config.timeout_s,
            )
        except aiosmtplib.SMTPRecipientsRefused as refused:
            codes = [r.code for r in refused.recipients]
            if all(code >= 500 for code in codes):
                log.warning("smtp.bounced", codes=codes)  # the address stays out of logs
                return
            raise BackendUnavailableError(f"smtp: recipient deferred {codes}") from refused
        except (aiosmtplib.SMTPException, OSError) as failed:
            reason = type(failed).__name__
            code = getattr(failed, "code", None)
            raise BackendUnavailableError(f"smtp: {reason} {code or ''}".strip()) from failed

    async def execute_remedy(self, order: RemedyOrder) -> RemedyReceipt:
        return await self._inner.execute_remedy(order)

    async def page_manager(self, page: ManagerPage) -> PageReceipt:
        return await self._inner.page_manager(page)

    async def record_employee_follow_up(self, note: EmployeeFollowUp) -> EmployeeFollowUpReceipt:
        return await self._inner.record_employee_follow_up(note)

    async def aclose(self) -> None:
        await self._inner.aclose()


def with_smtp(backend: ComplaintBackend, env: Mapping[str, str]) -> ComplaintBackend:
    """`backend`, with email over SMTP in front of it when the environment configures it."""
    config = SmtpConfig.from_env(env)
    return backend if config is None else SmtpMessages(backend, config)
