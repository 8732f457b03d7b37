"""The console's settings, from the environment as the worker's are (`wire.connection` for
Temporal; `COMPLAINTS_*` for the rest).

The variables, their meaning and defaults: docs/console.md.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

DEV_AUDIENCE = "complaints-console-dev"


class OidcSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    issuer: str
    jwks_url: str
    audience: str
    authorize_url: str
    staff_claim: str = "sub"


class ConsoleSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    host: str = "127.0.0.1"
    port: int = Field(default=8400, ge=0, le=65535)
    base_url: str = ""
    dev: bool = False
    oidc: OidcSettings | None = None
    session_secret: str = Field(default_factory=lambda: secrets.token_urlsafe(32), min_length=32)
    session_minutes: int = Field(default=30, ge=1, le=24 * 60)
    keys_dir: Path = Path("data/console-keys")
    staff_directory_file: Path | None = None
    policy_dirs: tuple[Path, ...] = (Path("policies"),)
    data_dir: Path = Path("data")
    ui_origin: str = "http://127.0.0.1:8233"

    @model_validator(mode="after")
    def _has_an_issuer(self) -> ConsoleSettings:
        if self.oidc is None and not self.dev:
            raise ValueError(
                "set COMPLAINTS_OIDC_ISSUER, COMPLAINTS_OIDC_JWKS_URL and COMPLAINTS_OIDC_AUDIENCE"
                " (or COMPLAINTS_CONSOLE_DEV=1 for the development issuer)"
            )
        return self

    @property
    def url(self) -> str:
        return (self.base_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def audit_db(self) -> Path:
        return self.data_dir / "console-audit.db"

    @property
    def outbox_db(self) -> Path:
        return self.data_dir / "complaints.db"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ConsoleSettings:
        env = os.environ if env is None else env
        dev = env.get("COMPLAINTS_CONSOLE_DEV", "").lower() in ("1", "true", "yes")
        data_dir = Path(env.get("COMPLAINTS_DATA_DIR", "data"))
        fields: dict[str, object] = {"dev": dev, "data_dir": data_dir}
        if issuer := env.get("COMPLAINTS_OIDC_ISSUER"):
            fields["oidc"] = OidcSettings(
                issuer=issuer,
                jwks_url=env.get("COMPLAINTS_OIDC_JWKS_URL", ""),
                audience=env.get("COMPLAINTS_OIDC_AUDIENCE", ""),
                authorize_url=env.get("COMPLAINTS_OIDC_AUTHORIZE_URL")
                or issuer.rstrip("/") + "/authorize",
                staff_claim=env.get("COMPLAINTS_OIDC_STAFF_CLAIM", "sub"),
            )
            if not (fields["oidc"].jwks_url and fields["oidc"].audience):  # type: ignore[union-attr]
                raise ValueError("COMPLAINTS_OIDC_JWKS_URL and COMPLAINTS_OIDC_AUDIENCE are needed")
        simple = {
            "host": "COMPLAINTS_CONSOLE_HOST",
            "port": "COMPLAINTS_CONSOLE_PORT",
            "base_url": "COMPLAINTS_CONSOLE_URL",
            "session_minutes": "COMPLAINTS_CONSOLE_SESSION_MINUTES",
            "staff_directory_file": "COMPLAINTS_STAFF_DIRECTORY_FILE",
            "ui_origin": "COMPLAINTS_CONSOLE_UI_ORIGIN",
        }
        fields |= {name: env[var] for name, var in simple.items() if env.get(var)}
        if secret := env.get("COMPLAINTS_CONSOLE_SESSION_SECRET"):
            fields["session_secret"] = secret
        elif not dev:
            raise ValueError("set COMPLAINTS_CONSOLE_SESSION_SECRET (32 characters or more)")
        fields["keys_dir"] = Path(env.get("COMPLAINTS_CONSOLE_KEYS") or data_dir / "console-keys")
        if folders := env.get("COMPLAINTS_POLICY_DIR"):
            fields["policy_dirs"] = tuple(Path(f) for f in folders.split(os.pathsep) if f)
        return cls.model_validate(fields)
