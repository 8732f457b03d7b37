"""Worker settings from the environment: the same code runs on a laptop and a cluster."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict
from temporalio.converter import DataConverter

from activities.http_backend import HttpBackendConfig
from activities.policy_store import BOUNDS, HttpPolicyConfig
from schemas.complaint import DEFAULT_ADDRESS, DEFAULT_NAMESPACE, TASK_QUEUE
from wire.codec import KEY_ENV, REQUIRE_ENV, PayloadKeyError, settings_from_env
from wire.converter import requires_encryption
from wire.telemetry import METRICS_ENV

HTTP_ENV = {
    "notify_url": "COMPLAINTS_HTTP_NOTIFY_URL",
    "commerce_url": "COMPLAINTS_HTTP_COMMERCE_URL",
    "staff_url": "COMPLAINTS_HTTP_STAFF_URL",
    "hr_url": "COMPLAINTS_HTTP_HR_URL",
    "token": "COMPLAINTS_HTTP_TOKEN",
}
"""Required with COMPLAINTS_BACKEND=http; COMPLAINTS_HTTP_TIMEOUT_S is optional."""


def http_config_from_env(env: Mapping[str, str]) -> HttpBackendConfig:
    """All four services or none: a half-configured worker must not start."""
    missing = [name for name in HTTP_ENV.values() if not env.get(name)]
    if missing:
        raise ValueError(f"COMPLAINTS_BACKEND=http needs {', '.join(missing)}")
    fields: dict[str, object] = {field: env[name] for field, name in HTTP_ENV.items()}
    if env.get("COMPLAINTS_HTTP_TIMEOUT_S"):
        fields["timeout_s"] = float(env["COMPLAINTS_HTTP_TIMEOUT_S"])
    return HttpBackendConfig.model_validate(fields)


POLICY_DIR_ENV = "COMPLAINTS_POLICY_DIR"
"""Folders of policy documents, separated by `os.pathsep` (searched in turn); `policies`
by default."""
POLICY_URL_ENV = "COMPLAINTS_HTTP_POLICY_URL"
"""The policy service, instead of folders; `COMPLAINTS_HTTP_TOKEN` is sent if set."""
POLICY_BOUNDS_ENV = "COMPLAINTS_POLICY_BOUNDS"
"""`production` (the default) or `development`: how short a policy's deadlines may be."""


def policy_settings_from_env(env: Mapping[str, str]) -> dict[str, object]:
    """Where policies come from and their bounds: a folder or a service, never both."""
    folders, url = env.get(POLICY_DIR_ENV), env.get(POLICY_URL_ENV)
    if folders and url:
        raise ValueError(f"set {POLICY_DIR_ENV} or {POLICY_URL_ENV}, not both")
    bounds = env.get(POLICY_BOUNDS_ENV) or "production"
    if bounds not in BOUNDS:
        raise ValueError(f"unknown {POLICY_BOUNDS_ENV} {bounds!r} (known: {', '.join(BOUNDS)})")
    fields: dict[str, object] = {"policy_bounds": bounds}
    if folders:
        fields["policy_dirs"] = tuple(Path(f) for f in folders.split(os.pathsep) if f)
    if url:
        http: dict[str, object] = {"url": url, "token": env.get("COMPLAINTS_HTTP_TOKEN") or None}
        if env.get("COMPLAINTS_HTTP_TIMEOUT_S"):
            http["timeout_s"] = float(env["COMPLAINTS_HTTP_TIMEOUT_S"])
        fields["policy_http"] = HttpPolicyConfig.model_validate(http)
    return fields


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)

    temporal_address: str = DEFAULT_ADDRESS
    namespace: str = DEFAULT_NAMESPACE
    task_queue: str = TASK_QUEUE
    data_dir: Path = Path("data")
    backend: str = "local"
    http: HttpBackendConfig | None = None
    staff_directory_file: Path | None = None
    """A staff directory document (`COMPLAINTS_STAFF_DIRECTORY_FILE`); by default the
    embedded demo directory, unless `COMPLAINTS_STAFF_DIRECTORY_URL` names a service."""
    staff_directory_url: str | None = None
    """Set when `backend` is "http"."""
    policy_dirs: tuple[Path, ...] = (Path("policies"),)
    policy_http: HttpPolicyConfig | None = None
    """Set to load policies from the policy service instead of `policy_dirs`."""
    policy_bounds: str = "production"
    """A name in `activities.policy_store.BOUNDS`."""
    metrics_address: str | None = None
    """``COMPLAINTS_METRICS_ADDRESS`` (host:port): where ``/metrics`` is served, in
    Prometheus format (`wire.telemetry`); unset, none is."""
    require_encryption: bool = False
    """``COMPLAINTS_REQUIRE_ENCRYPTION``: start only with a key, refuse plaintext payloads."""

    @property
    def local_db(self) -> Path:
        return self.data_dir / "complaints.db"

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        return cls(
            temporal_address=env.get("TEMPORAL_ADDRESS", DEFAULT_ADDRESS),
            namespace=env.get("TEMPORAL_NAMESPACE", DEFAULT_NAMESPACE),
            task_queue=env.get("COMPLAINTS_TASK_QUEUE", TASK_QUEUE),
            data_dir=Path(env.get("COMPLAINTS_DATA_DIR", "data")),
            backend=env.get("COMPLAINTS_BACKEND", "local"),
            http=http_config_from_env(env) if env.get("COMPLAINTS_BACKEND") == "http" else None,
            staff_directory_file=env.get("COMPLAINTS_STAFF_DIRECTORY_FILE") or None,
            staff_directory_url=env.get("COMPLAINTS_STAFF_DIRECTORY_URL") or None,
            **policy_settings_from_env(env),
            metrics_address=env.get(METRICS_ENV) or None,
            # Also checks the keys: encryption required without a key refuses to start.
            require_encryption=settings_from_env(env).required,
        )


def check_encryption(settings: Settings, converter: DataConverter) -> None:
    """A worker that must require encryption refuses to start on a client that does not
    (no key, or plaintext accepted), whatever built that client."""
    if settings.require_encryption and not requires_encryption(converter):
        raise PayloadKeyError(
            f"{REQUIRE_ENV} is set but the worker's client does not require encryption "
            f"(build it with wire.connection.connect and {KEY_ENV}): refusing to start"
        )
