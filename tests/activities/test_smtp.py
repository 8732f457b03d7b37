"""Email over SMTP against a real SMTP server on loopback (aiosmtpd): sent once per key."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from email.policy import default as email_policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pydantic import SecretStr

from activities.backend import BackendUnavailableError
from activities.local_backend import LocalBackend
from activities.messages import render_message
from activities.smtp import SmtpConfig, SmtpMessages, message_id, with_smtp
from schemas.intake import Channel, Contact, Language
from schemas.messages import CustomerMessage, MessageContext, MessageKind

USER, PASSWORD = "engine", "s3cret"


class Inbox:
    """What the server received: one entry per DATA command."""

    def __init__(self) -> None:
        self.received: list[Message] = []
        self.logins: list[str] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd)
        self.received.append(message_from_bytes(envelope.original_content, policy=email_policy))
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:  # noqa: N802
        if address.startswith("gone@"):
            return "550 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and (
            auth_data.login.decode(),
            auth_data.password.decode(),
        ) == (USER, PASSWORD)
        if ok:
            self.logins.append(auth_data.login.decode())
        return AuthResult(success=ok)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _self_signed(tmp_path: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[Inbox, SmtpConfig]]:
    """An SMTP server on loopback requiring STARTTLS and authentication."""
    cert, key = _self_signed(tmp_path)
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)
    inbox = Inbox()
    port = _free_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        tls_context=tls,
        require_starttls=True,
        authenticator=inbox.authenticate,
        auth_require_tls=True,
    )
    controller.start()
    config = SmtpConfig(
        host="127.0.0.1",
        port=port,
        sender="care@shop.example",
        username=USER,
        password=PASSWORD,
        ca_file=cert,
        timeout_s=5,
        ledger=tmp_path / "sent.db",
    )
    try:
        yield inbox, config
    finally:
        controller.stop()


def _message(
    key: str = "wf-1/ack/1", email: str = "mari@example.ee", **overrides
) -> CustomerMessage:
    fields = dict(
        idempotency_key=key,
        complaint_id="C-1",
        customer_id="cust-1",
        contact=Contact(email=email, phone="+372 5555 5555"),
        language=Language.ET,
        channel=Channel.EMAIL,
        kind=MessageKind.ACKNOWLEDGEMENT,
        context=MessageContext(customer_name="Mari Tamm", complaint_id="C-1"),
    )
    return CustomerMessage(**(fields | overrides))


async def test_a_message_is_sent_and_a_retry_is_received_once(
    server: tuple[Inbox, SmtpConfig], tmp_path: Path
) -> None:
    inbox, config = server
    smtp = SmtpMessages(LocalBackend(tmp_path / "local.db"), config)
    message = _message()

    first = await smtp.deliver_message(message, render_message(message))
    retry = await smtp.deliver_message(message, render_message(message))

    assert len(inbox.received) == 1 and inbox.logins == [USER]
    [got] = inbox.received
    assert got["Message-ID"] == first.message_id == message_id("wf-1/ack/1", "shop.example")
    assert got["To"] == "mari@example.ee" and got["Content-Language"] == "et"
    assert got["Subject"] == render_message(message).subject
    assert got.get_content().replace("\r\n", "\n").rstrip("\n") == render_message(message).body
    assert (first.duplicate, retry.duplicate) == (False, True)
    assert retry.message_id == first.message_id


async def test_a_retry_after_a_lost_record_keeps_the_message_id(
    server: tuple[Inbox, SmtpConfig], tmp_path: Path
) -> None:
    """A worker that died after sending: the copy carries the same id, for mail stores."""
    inbox, config = server
    message = _message()
    for ledger in ("a.db", "b.db"):
        sender = SmtpMessages(
            LocalBackend(tmp_path / "local.db"),
            config.model_copy(update={"ledger": tmp_path / ledger}),
        )
        await sender.deliver_message(message, render_message(message))

    assert len(inbox.received) == 2
    assert inbox.received[0]["Message-ID"] == inbox.received[1]["Message-ID"]


async def test_other_messages_get_other_ids_and_other_channels_go_to_the_backend(
    server: tuple[Inbox, SmtpConfig], tmp_path: Path
) -> None:
    inbox, config = server
    local = LocalBackend(tmp_path / "local.db")
    smtp = SmtpMessages(local, config)
    sms = _message("wf-1/ack/2", channel=Channel.SMS)
    other = _message("wf-2/ack/1")

    await smtp.deliver_message(_message(), render_message(_message()))
    await smtp.deliver_message(other, render_message(other))
    await smtp.deliver_message(sms, render_message(sms))

    assert len({m["Message-ID"] for m in inbox.received}) == 2
    assert [m.idempotency_key for m in local.messages("C-1")] == ["wf-1/ack/2"]


async def test_a_refused_recipient_is_a_bounce_not_a_retry(
    server: tuple[Inbox, SmtpConfig], tmp_path: Path
) -> None:
    inbox, config = server
    smtp = SmtpMessages(LocalBackend(tmp_path / "local.db"), config)
    gone = _message(email="gone@example.ee")

    receipt = await smtp.deliver_message(gone, render_message(gone))

    assert inbox.received == [] and receipt.duplicate is False


async def test_wrong_credentials_or_no_tls_are_retried(
    server: tuple[Inbox, SmtpConfig], tmp_path: Path
) -> None:
    inbox, config = server
    local = LocalBackend(tmp_path / "local.db")
    wrong = SmtpMessages(local, config.model_copy(update={"password": SecretStr("nope")}))
    plain = SmtpMessages(
        local,
        config.model_copy(update={"starttls": False, "ledger": tmp_path / "p.db", "timeout_s": 1}),
    )

    with pytest.raises(BackendUnavailableError, match="smtp"):
        await wrong.deliver_message(_message(), render_message(_message()))
    with pytest.raises(BackendUnavailableError, match="smtp"):
        await plain.deliver_message(_message(), render_message(_message()))
    assert inbox.received == []


def test_settings_come_from_the_environment(tmp_path: Path) -> None:
    local = LocalBackend(tmp_path / "local.db")
    env = {
        "COMPLAINTS_SMTP_HOST": "mail.example",
        "COMPLAINTS_SMTP_FROM": "care@shop.example",
        "COMPLAINTS_SMTP_PORT": "465",
        "COMPLAINTS_SMTP_TLS": "true",
        "COMPLAINTS_SMTP_USERNAME": "engine",
        "COMPLAINTS_SMTP_PASSWORD": "pw",
        "COMPLAINTS_SMTP_LEDGER": str(tmp_path / "sent.db"),
    }
    config = SmtpConfig.from_env(env)

    assert config is not None and (config.port, config.implicit_tls, config.starttls) == (
        465,
        True,
        False,
    )
    assert "pw" not in repr(config)
    assert with_smtp(local, {}) is local
    assert isinstance(with_smtp(local, env), SmtpMessages)
    with pytest.raises(ValueError, match="COMPLAINTS_SMTP_FROM"):
        SmtpConfig.from_env({"COMPLAINTS_SMTP_HOST": "mail.example"})
    with pytest.raises(ValueError, match="true or false"):
        SmtpConfig.from_env(env | {"COMPLAINTS_SMTP_STARTTLS": "maybe"})
