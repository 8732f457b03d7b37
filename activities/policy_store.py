"""Where the worker finds the company policy: versioned documents the operator owns.

A `PolicyStore` answers a version id (or `current`, the version the operator made current)
with its `CompanyPolicy`. Three stores: a folder of JSON documents (`policies/` by default),
the company's own policy service over HTTP (docs/http-contract.md), and one in memory for
tests. Every store checks a document the same way when it loads it (`read_policy`): a valid
`CompanyPolicy`, of the version asked for, within the store's `PolicyBounds`. A refusal
names the field and the value; nothing else about a document is trusted.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol, runtime_checkable

import httpx
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    SecretStr,
    TypeAdapter,
    ValidationError,
)

from activities.http_contract import POLICY_NOT_FOUND, POLICY_PATH, USER_AGENT, Problem
from domain.business_time import SEARCH_DAYS, NoWorkingTime, add, at_receipt
from schemas.policy import (
    CURRENT,
    DEADLINE_KINDS,
    CompanyPolicy,
    Deadlines,
    PolicyVersion,
    as_json,
    length,
)

CURRENT_FILE = "current"
"""In a policy folder: the file whose one line is the current version id."""

_VERSION = TypeAdapter(PolicyVersion)


class PolicyBounds(BaseModel):
    """What the operator allows a policy document to say, beyond what any policy must."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    min_deadline: timedelta = Field(gt=timedelta(0))
    """Every deadline is at least this long."""
    min_callback_interval: timedelta = Field(gt=timedelta(0))
    """Promised callbacks come at most this often."""

    def violations(self, policy: CompanyPolicy, now: datetime | None = None) -> list[str]:
        """Each field out of bounds, with its value and the bound; empty when within (a
        business deadline is held to the bounds by its working time)."""
        found = []
        for name in Deadlines.model_fields:
            value = length(getattr(policy.deadlines, name))
            least = self.min_deadline
            if name == "callback_interval":
                least = max(least, self.min_callback_interval)
            if name == "reopen_grace" and not value:
                continue  # zero: no reopen window at all, not a short deadline
            if value < least:
                found.append(f"deadlines.{name} is {value}, below the minimum of {least}")
        if policy.sla.enabled:  # the next-update clock brings callbacks forward to its warning
            for severity, targets in policy.sla.targets.items():
                warns = targets.next_update * float(policy.sla.warning_fraction)
                if warns < self.min_deadline:
                    found.append(
                        f"sla.targets.{severity.value}.next_update warns after {warns}, "
                        f"below the minimum of {self.min_deadline} between callbacks"
                    )
        return found + unreachable(policy, now or datetime.now(UTC))


def unreachable(policy: CompanyPolicy, now: datetime) -> list[str]:
    """Each calendar on which the policy's longest business deadline, started `now`, would
    find no working time within `business_time.SEARCH_DAYS` (closures that never end)."""
    business = policy.deadlines.business()
    if not business:
        return []
    name, longest = max(business.items(), key=lambda item: item[1].business)
    found = []
    for calendar_name, spec in policy.sla.calendars.items():
        try:
            add(at_receipt(spec, now), now, longest.business)
        except NoWorkingTime:
            found.append(
                f"sla.calendars.{calendar_name} has no working time for deadlines.{name} "
                f"({longest.business} of business time) within {SEARCH_DAYS} days"
            )
    return found


PRODUCTION = PolicyBounds(
    name="production", min_deadline=timedelta(hours=1), min_callback_interval=timedelta(hours=4)
)
"""The default: nobody is asked to answer within less than an hour, and a customer gets a
promised callback at most every four hours."""
DEVELOPMENT = PolicyBounds(
    name="development",
    min_deadline=timedelta(milliseconds=100),
    min_callback_interval=timedelta(seconds=1),
)
"""For tests, the demo and the benchmark, whose deadlines are seconds."""
BOUNDS = {b.name: b for b in (PRODUCTION, DEVELOPMENT)}
"""By name, as `COMPLAINTS_POLICY_BOUNDS` gives them."""


class PolicyError(Exception):
    """A policy could not be loaded; `message` says why, for the operator."""

    def __init__(self, version: str, message: str) -> None:
        super().__init__(message)
        self.version = version
        self.message = message

    def __reduce__(self) -> tuple[type[PolicyError], tuple[str, str]]:
        return (type(self), (self.version, self.message))


class UnknownPolicyVersion(PolicyError, LookupError):
    """The store holds no such version (or no current one)."""


class PolicyRefused(PolicyError, ValueError):
    """The document is not a policy this worker may run: invalid, mislabelled, out of bounds."""


class PolicyStoreUnavailable(PolicyError):
    """The store could not answer now (timeout, 5xx, ...); worth retrying."""


def read_policy(document: str | bytes, version: str, bounds: PolicyBounds) -> CompanyPolicy:
    """The policy a document holds, checked: a `CompanyPolicy`, of `version` (any for
    `current`), within `bounds`; otherwise `PolicyRefused` naming each field at fault."""
    try:
        policy = CompanyPolicy.model_validate_json(document)
    except ValidationError as invalid:
        raise PolicyRefused(version, f"policy {version!r} refused: {_fields(invalid)}") from None
    if version != CURRENT and policy.version != version:
        raise PolicyRefused(
            version, f"policy {version!r} refused: the document says version {policy.version!r}"
        )
    out_of_bounds = bounds.violations(policy)
    if out_of_bounds:
        raise PolicyRefused(
            policy.version,
            f"policy {policy.version!r} refused by the {bounds.name} bounds: "
            + "; ".join(out_of_bounds),
        )
    return policy


def _fields(error: ValidationError) -> str:
    """Each error with its field and the value given: a policy is the operator's data, not
    personal data, and the value is what they need to fix it."""
    parts = []
    for e in error.errors(include_url=False, include_context=False):
        where = ".".join(str(p) for p in _without_tag(e["loc"]))
        what = e["msg"].removeprefix("Value error, ")
        given = f" (got {e['input']})" if where and not isinstance(e["input"], dict) else ""
        parts.append(f"{where}: {what}{given}" if where else what)
    return "; ".join(parts)


def _without_tag(loc: tuple[int | str, ...]) -> tuple[int | str, ...]:
    """A deadline's field without the kind pydantic tried (`deadlines.appeal.wall_clock`
    reads `deadlines.appeal`; `deadlines.appeal.business.business`, `...appeal.business`)."""
    if len(loc) > 2 and loc[0] == "deadlines" and loc[2] in DEADLINE_KINDS:
        return loc[:2] + loc[3:]
    return loc


def checked_version(version: str) -> str:
    """`version` if it is a version id or `current`; a store never looks anything else up."""
    try:
        return _VERSION.validate_python(version)
    except ValidationError:
        raise UnknownPolicyVersion(version, f"{version!r} is not a policy version id") from None


@runtime_checkable
class PolicyStore(Protocol):
    """Loads a policy by version id, or `current`; raises a `PolicyError` subclass."""

    async def load(self, version: str) -> CompanyPolicy: ...

    async def aclose(self) -> None:
        """Release connections; called once when the worker shuts down."""
        ...


class FilePolicyStore:
    """Policy documents in folders: `<version>.json`, and `current` naming the current one.

    Several folders are searched in turn, like PATH: the first that has the file answers.
    Files are read at each load, so a new version needs no restart.
    """

    def __init__(self, folders: Path | Sequence[Path], bounds: PolicyBounds = PRODUCTION) -> None:
        self.folders = (folders,) if isinstance(folders, Path) else tuple(folders)
        self.bounds = bounds

    async def load(self, version: str) -> CompanyPolicy:
        version = checked_version(version)
        if version == CURRENT:
            named = self._find(CURRENT_FILE)
            if named is None:
                raise UnknownPolicyVersion(CURRENT, f"no current policy: {self._where()}")
            version = checked_version(named.read_text().strip())
            if version == CURRENT:
                raise PolicyRefused(CURRENT, f"{named} must name a version, not {CURRENT!r}")
        found = self._find(f"{version}.json")
        if found is None:
            raise UnknownPolicyVersion(version, f"no policy version {version!r}: {self._where()}")
        return read_policy(found.read_bytes(), version, self.bounds)

    def add(self, policy: CompanyPolicy) -> str:
        """Publish `policy` as `<version>.json` in the first folder (written whole, then
        renamed into place, so a load never reads half a document); returns its version."""
        folder = self.folders[0]
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f".{policy.version}.json.partial"
        partial.write_text(as_json(policy.model_dump(mode="json")))
        partial.replace(folder / f"{policy.version}.json")
        return policy.version

    async def aclose(self) -> None:
        pass

    def _find(self, name: str) -> Path | None:
        return next((f / name for f in self.folders if (f / name).is_file()), None)

    def _where(self) -> str:
        return "not in " + ", ".join(str(f) for f in self.folders)


class InMemoryPolicyStore:
    """Documents in a dict, for tests; checked at each load as any store's are."""

    def __init__(
        self,
        *policies: CompanyPolicy,
        current: str | None = None,
        bounds: PolicyBounds = DEVELOPMENT,
    ) -> None:
        self.documents: dict[str, str] = {}
        """Version id -> the JSON document, as a file or a service would hold it."""
        for policy in policies or (CompanyPolicy(),):
            self.add(policy)
        self.current = current or next(iter(self.documents))
        self.bounds = bounds

    def add(self, policy: CompanyPolicy) -> str:
        """Register a policy; returns the version id that names it."""
        self.documents[policy.version] = policy.model_dump_json()
        return policy.version

    async def load(self, version: str) -> CompanyPolicy:
        version = checked_version(version)
        named = self.current if version == CURRENT else version
        if named not in self.documents:
            raise UnknownPolicyVersion(version, f"no policy version {named!r} in memory")
        return read_policy(self.documents[named], named, self.bounds)

    async def aclose(self) -> None:
        pass


class HttpPolicyConfig(BaseModel):
    """The company's policy service (see workers.config for the environment)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    url: HttpUrl
    token: SecretStr | None = None
    """Sent as `Authorization: Bearer` when set; never logged."""
    timeout_s: float = Field(default=10.0, gt=0, le=25)


class HttpPolicyStore:
    """`GET <url>/policies/<version_id>` (docs/http-contract.md); `current` is a version id
    the service resolves. A 404 with code `policy_not_found` is an unknown version; any other
    failure to answer is retried, so fixing the service resumes the complaints waiting on it.
    """

    def __init__(self, config: HttpPolicyConfig, bounds: PolicyBounds = PRODUCTION) -> None:
        self.bounds = bounds
        self._base = str(config.url).rstrip("/")
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        if config.token is not None:
            headers["Authorization"] = f"Bearer {config.token.get_secret_value()}"
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(config.timeout_s), headers=headers, follow_redirects=False
        )

    async def load(self, version: str) -> CompanyPolicy:
        version = checked_version(version)
        url = self._base + POLICY_PATH.format(version_id=version)
        try:
            response = await self._client.get(url)
        except httpx.TransportError as lost:
            reason = f"{type(lost).__name__} {lost}".strip()
            raise PolicyStoreUnavailable(version, f"policy service: {reason}") from lost
        if response.status_code == 200:
            return read_policy(response.content, version, self.bounds)
        problem = Problem.parse(response.content)
        if response.status_code == 404 and problem and problem.code == POLICY_NOT_FOUND:
            raise UnknownPolicyVersion(version, f"no policy version {version!r} at {self._base}")
        raise PolicyStoreUnavailable(
            version, f"policy service answered {response.status_code} for {version!r}"
        )

    async def aclose(self) -> None:
        await self._client.aclose()
