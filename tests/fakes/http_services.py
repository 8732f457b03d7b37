"""The company services of docs/http-contract.md on loopback, with faults on demand.

``python -m tests.fakes.http_services --port-file F``: the same services in a process of
their own (no faults) until SIGTERM, for benchmarks whose workers share them
(`bench.env.ServicesProcess`); the port is written to F once they listen.

A real HTTP/1.1 server (asyncio streams + h11, which httpx already depends on) so the
client meets real sockets: keep-alive, timeouts, connections closed mid-request. It does
what the contract asks of a company (bearer token, one effect per Idempotency-Key with
the original answer replayed, business refusals with their codes) and records every
request so tests can count what really happened.

Faults come from one seeded RNG draw per request: a 500 before anything is done, or the
effect applied and then the answer sent too late (past the client's timeout) or never
(the connection is closed): the cases where only the idempotency key prevents a second
refund.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import signal
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import h11
from pydantic import BaseModel, SecretStr, ValidationError

from activities.http_backend import HttpBackendConfig
from activities.http_contract import (
    ENDPOINTS,
    IDEMPOTENCY_KEY,
    POLICY_NOT_FOUND,
    POLICY_PATH,
    POLICY_SERVICE,
    REFUSAL_STATUS,
    REMEDIES,
    Endpoint,
    MessageDelivery,
)
from activities.policy_store import HttpPolicyConfig
from schemas.effects import EmployeeFollowUp, ManagerPage, OrderClaim, RemedyOrder, RemedyRefused
from schemas.policy import CURRENT
from schemas.remedies import RemedyKind

SERVICES = tuple(e.service for e in ENDPOINTS)
_RECEIPT_FIELD = {"notify": "message_id", "commerce": "reference", "staff": "page_id"}
"""The receipt's reference field per service; HR's is `reference` too."""


@dataclass(frozen=True)
class Faults:
    """Rates are slices of one draw in [0, 1): they must add up to at most 1."""

    error_rate: float = 0.0
    """Answer 500 before doing anything."""
    slow_rate: float = 0.0
    """Apply the effect, then answer after `slow_s` (meant to exceed the client timeout)."""
    drop_rate: float = 0.0
    """Apply the effect, then close the connection without answering."""
    slow_s: float = 2.0
    seed: int = 0


@dataclass(frozen=True)
class Recorded:
    """One request as the server saw it, and what became of it."""

    service: str
    path: str
    idempotency_key: str | None
    authorization: str | None
    body: Any
    status: int | None
    """None when the connection was dropped (the effect may still have been applied)."""
    fault: str | None = None
    """"error", "slow" or "drop" when a fault was injected."""
    replay: bool = False
    """The key had been seen: the original answer was replayed, nothing was done."""


@dataclass(frozen=True)
class _Answer:
    status: int
    body: Any
    """JSON, or a str sent as text (a proxy's error page, say)."""
    headers: tuple[tuple[str, str], ...] = ()


@dataclass
class _Applied:
    """What one key did, kept to replay its answer."""

    answer: _Answer
    request: BaseModel | None
    """The request, when the effect was applied (None for a refusal)."""


@dataclass
class HttpServices:
    """Notify, commerce, staff, HR and policy services behind one loopback port, by path
    prefix."""

    token: str = "test-token"
    faults: Faults = field(default_factory=Faults)
    unknown_orders: set[str] = field(default_factory=set)
    """Commerce answers 404 order_not_found for these."""
    final_sale_orders: set[str] = field(default_factory=set)
    """Commerce answers 422 not_allowed for these."""
    policies: dict[str, Any] = field(default_factory=dict)
    """The policy service's documents by version id (JSON, or text sent as it is)."""
    current_policy: str | None = None
    """What `GET /policies/current` answers with."""
    on_applied: Callable[[BaseModel], None] | None = None
    """Called with each effect as it is applied (not for replays or refusals)."""
    requests: list[Recorded] = field(default_factory=list)
    _applied: dict[str, dict[str, _Applied]] = field(
        default_factory=lambda: {service: {} for service in SERVICES}
    )
    _order_remedies: dict[tuple[str, RemedyKind], str] = field(default_factory=dict)
    _order_claims: dict[tuple[str, str], str] = field(default_factory=dict)
    _scripted: dict[str, list[_Answer]] = field(default_factory=dict)
    _rng: random.Random = field(default_factory=random.Random)
    _server: asyncio.Server | None = None
    _writers: set[asyncio.StreamWriter] = field(default_factory=set)
    port: int = 0

    # -- lifecycle ----------------------------------------------------------------------

    async def __aenter__(self) -> HttpServices:
        self.inject(self.faults)
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for writer in list(self._writers):  # slow answers still sleeping
            writer.transport.abort()
        await self._server.wait_closed()

    def config(self, timeout_s: float = 1.0, token: str | None = None) -> HttpBackendConfig:
        """A client configuration for these services."""
        base = f"http://127.0.0.1:{self.port}"
        return HttpBackendConfig(
            **{f"{service}_url": f"{base}/{service}" for service in SERVICES},
            token=SecretStr(token or self.token),
            timeout_s=timeout_s,
        )

    def policy_config(self, token: str | None = None) -> HttpPolicyConfig:
        """A client configuration for the policy service."""
        return HttpPolicyConfig(
            url=f"http://127.0.0.1:{self.port}/{POLICY_SERVICE}",
            token=SecretStr(token or self.token),
            timeout_s=1.0,
        )

    # -- steering -----------------------------------------------------------------------

    def inject(self, faults: Faults) -> None:
        """Switch faults at runtime; the RNG restarts from the seed, so runs repeat."""
        assert faults.error_rate + faults.slow_rate + faults.drop_rate <= 1
        self.faults = faults
        self._rng = random.Random(faults.seed)

    def already_applied(self, order_reference: str, kind: RemedyKind) -> None:
        """A remedy made elsewhere (e.g. refunded at the counter): another one gets 409."""
        self._order_remedies[(order_reference, kind)] = "elsewhere"

    def script(
        self, service: str, status: int, body: Any = None, headers: dict[str, str] | None = None
    ) -> None:
        """The next request to `service` gets exactly this answer, and nothing is applied."""
        answer = _Answer(status, body, tuple((headers or {}).items()))
        self._scripted.setdefault(service, []).append(answer)

    # -- read side ----------------------------------------------------------------------

    def remedies(self, complaint_id: str | None = None) -> list[RemedyOrder]:
        """Remedies actually applied, in order: money moved, goods shipped."""
        return self._effects(REMEDIES.service, RemedyOrder, complaint_id)

    def messages(self, complaint_id: str | None = None) -> list[MessageDelivery]:
        return self._effects("notify", MessageDelivery, complaint_id)

    def pages(self, complaint_id: str | None = None) -> list[ManagerPage]:
        return self._effects("staff", ManagerPage, complaint_id)

    def follow_ups(self, complaint_id: str | None = None) -> list[EmployeeFollowUp]:
        return self._effects("hr", EmployeeFollowUp, complaint_id)

    def reference(self, service: str, idempotency_key: str) -> str:
        """The reference this service created for a key, as its first answer carried it."""
        body = self._applied[service][idempotency_key].answer.body
        return body[_RECEIPT_FIELD.get(service, "reference")]

    def stats(self) -> dict[str, int]:
        """Counts for the report: requests, faults injected, replays, effects applied, refusals.

        Refusals count keys, not answers: a refusal replayed to a retry counts once.
        """
        faults = Counter(r.fault for r in self.requests if r.fault)
        counts = {
            "requests": len(self.requests),
            "errors_500": faults["error"],
            "slow": faults["slow"],
            "dropped": faults["drop"],
            "replays": sum(r.replay for r in self.requests),
        }
        for service, applied in self._applied.items():
            counts[f"applied_{service}"] = sum(
                a.request is not None and not isinstance(a.request, OrderClaim)
                for a in applied.values()
            )
        counts["refused_commerce"] = sum(
            a.request is None for a in self._applied["commerce"].values()
        )
        return counts

    def _effects(self, service: str, model: type, complaint_id: str | None) -> list[Any]:
        applied = [a.request for a in self._applied[service].values() if a.request is not None]
        applied = [r for r in applied if not isinstance(r, OrderClaim)]  # not an effect
        assert all(isinstance(r, model) for r in applied)
        if complaint_id is None:
            return applied
        return [r for r in applied if _complaint_of(r) == complaint_id]

    # -- HTTP ---------------------------------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """One connection: requests in turn (keep-alive) until the client or a fault ends it."""
        self._writers.add(writer)
        conn = h11.Connection(h11.SERVER)
        try:
            while True:
                request = await _next_event(conn, reader)
                if not isinstance(request, h11.Request):
                    return
                body = bytearray()
                while isinstance(event := await _next_event(conn, reader), h11.Data):
                    body += event.data
                if not isinstance(event, h11.EndOfMessage):
                    return
                answer, fault = self._handle(request, bytes(body))
                if fault == "drop":
                    return  # the effect is applied; the answer never leaves
                if fault == "slow":
                    await asyncio.sleep(self.faults.slow_s)
                text = isinstance(answer.body, str)
                payload = answer.body.encode() if text else json.dumps(answer.body).encode()
                headers = [
                    ("content-type", "text/html" if text else "application/json"),
                    ("content-length", str(len(payload))),
                    *answer.headers,
                ]
                writer.write(conn.send(h11.Response(status_code=answer.status, headers=headers)))
                writer.write(conn.send(h11.Data(data=payload)))
                writer.write(conn.send(h11.EndOfMessage()))
                await writer.drain()
                if conn.our_state is not h11.DONE or conn.their_state is not h11.DONE:
                    return
                conn.start_next_cycle()
        except (ConnectionError, h11.ProtocolError):
            return  # the client gave up (its timeout) or spoke nonsense
        finally:
            self._writers.discard(writer)
            writer.close()

    def _handle(self, request: h11.Request, body: bytes) -> tuple[_Answer, str | None]:
        """Everything from routing to the effect, without an await: atomic per key."""
        headers = {name.decode().lower(): value.decode() for name, value in request.headers}
        path = request.target.decode()
        endpoint = next((e for e in ENDPOINTS if path == f"/{e.service}{e.path}"), None)
        key = headers.get(IDEMPOTENCY_KEY.lower())
        auth = headers.get("authorization")

        def record(answer: _Answer | None, fault: str | None = None, replay: bool = False):
            status = None if answer is None else answer.status
            self.requests.append(
                Recorded(
                    service=endpoint.service if endpoint else "?",
                    path=path,
                    idempotency_key=key,
                    authorization=auth,
                    body=_json_or_none(body),
                    status=status,
                    fault=fault,
                    replay=replay,
                )
            )

        def answer(status: int, body: dict[str, Any]) -> tuple[_Answer, None]:
            record(_Answer(status, body))
            return _Answer(status, body), None

        if request.method == b"GET" and path.startswith(f"/{POLICY_SERVICE}/"):
            return self._policy(path, auth)
        if endpoint is None or request.method != b"POST":
            return answer(404, {"message": f"no route {request.method.decode()} {path}"})
        if auth != f"Bearer {self.token}":
            return answer(401, {"message": "missing or wrong bearer token"})
        if not key:
            return answer(400, {"message": f"{IDEMPOTENCY_KEY} header is required"})
        try:
            parsed = endpoint.request.model_validate_json(body)
        except ValidationError as invalid:
            return answer(422, {"detail": json.loads(invalid.json())})
        if scripted := self._scripted.get(endpoint.service):
            scripted_answer = scripted.pop(0)
            record(scripted_answer)
            return scripted_answer, None

        draw = self._rng.random()
        faults = self.faults
        if draw < faults.error_rate:
            failure = _Answer(500, {"message": "injected failure"})
            record(failure, fault="error")
            return failure, None
        fault = None
        if draw < faults.error_rate + faults.slow_rate:
            fault = "slow"
        elif draw < faults.error_rate + faults.slow_rate + faults.drop_rate:
            fault = "drop"

        applied = self._applied[endpoint.service]
        replay = key in applied
        if replay:
            original = applied[key].answer
            outcome = (
                _Answer(200, {**original.body, "duplicate": True}, original.headers)
                if original.status < 300
                else original
            )
        else:
            outcome, effect = self._apply(endpoint, key, parsed)
            applied[key] = _Applied(outcome, effect)
            if effect is not None and self.on_applied is not None:
                self.on_applied(effect)
        record(None if fault == "drop" else outcome, fault=fault, replay=replay)
        return outcome, fault

    def _policy(self, path: str, auth: str | None) -> tuple[_Answer, None]:
        """GET /policies/<version_id>: the document, or 404 `policy_not_found`."""
        prefix = f"/{POLICY_SERVICE}" + POLICY_PATH.format(version_id="")
        version = path.removeprefix(prefix)
        if version == CURRENT and self.current_policy:
            version = self.current_policy
        if auth != f"Bearer {self.token}":
            answer = _Answer(401, {"message": "missing or wrong bearer token"})
        elif scripted := self._scripted.get(POLICY_SERVICE):
            answer = scripted.pop(0)
        elif version in self.policies:
            answer = _Answer(200, self.policies[version])
        else:
            answer = _Answer(404, {"code": POLICY_NOT_FOUND, "message": f"no version {version}"})
        self.requests.append(Recorded(POLICY_SERVICE, path, None, auth, None, answer.status))
        return answer, None

    def _apply(
        self, endpoint: Endpoint, key: str, request: BaseModel
    ) -> tuple[_Answer, BaseModel | None]:
        """Do the effect once: a new reference, or a business refusal for a remedy."""
        if isinstance(request, RemedyOrder):
            refusal = self._refusal(request, key)
            if refusal is not None:
                return refusal, None
        if isinstance(request, OrderClaim):
            order = (request.customer_id, request.order_reference)
            holder = self._order_claims.get(order)
            if request.release and holder == request.complaint_id:
                del self._order_claims[order]
                holder = None
            elif not request.release and holder is None:
                holder = self._order_claims[order] = request.complaint_id
            return _Answer(201, {"holder": holder, "duplicate": False}), request
        # Random, not derived from the key: a replay can only return it if it was stored.
        reference = f"{endpoint.service.upper()}-{uuid.uuid4().hex[:12]}"
        field_name = _RECEIPT_FIELD.get(endpoint.service, "reference")
        return _Answer(201, {field_name: reference, "duplicate": False}), request

    def _refusal(self, order: RemedyOrder, key: str) -> _Answer | None:
        ref = order.order_reference
        if ref is None:
            return None
        if ref in self.unknown_orders:
            return _refused(RemedyRefused.ORDER_NOT_FOUND, f"order {ref} not found")
        if ref in self.final_sale_orders:
            return _refused(RemedyRefused.NOT_ALLOWED, f"order {ref} was a final sale")
        holder = self._order_claims.get((order.customer_id, ref))
        if holder is not None and holder != order.complaint_id:
            return _refused(RemedyRefused.ALREADY_APPLIED, f"order {ref} is in complaint {holder}")
        kind = order.remedy.kind
        if (ref, kind) in self._order_remedies:
            return _refused(
                RemedyRefused.ALREADY_APPLIED, f"order {ref}: {kind.value} already done"
            )
        self._order_remedies[(ref, kind)] = key
        return None


def _refused(code: RemedyRefused, message: str) -> _Answer:
    return _Answer(REFUSAL_STATUS[code], {"code": code.value, "message": message})


async def _next_event(conn: h11.Connection, reader: asyncio.StreamReader) -> Any:
    while (event := conn.next_event()) is h11.NEED_DATA:
        conn.receive_data(await reader.read(65536))  # b"" at EOF becomes ConnectionClosed
    return event


def _json_or_none(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None


def _complaint_of(request: BaseModel) -> str:
    if isinstance(request, MessageDelivery):
        return request.message.complaint_id
    return request.complaint_id  # type: ignore[attr-defined]


async def _serve(port_file: Path, token: str) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with HttpServices(token=token) as services:
        port_file.write_text(f"{services.port}\n")
        await stop.wait()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.fakes.http_services")
    parser.add_argument("--port-file", type=Path, required=True)
    parser.add_argument("--token", default="test-token")
    args = parser.parse_args()
    asyncio.run(_serve(args.port_file, args.token))


if __name__ == "__main__":
    main()
