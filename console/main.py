"""`complaints-console` (and `make console`): the staff console, configured from the
environment (`console.settings`), against the Temporal server `wire.connection` names."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys

import uvicorn
from fastapi import FastAPI

from activities.local_backend import LocalBackend
from activities.policy_store import BOUNDS, FilePolicyStore
from activities.staff_directory import DEMO_DIRECTORY, FileStaffDirectory
from console.app import create_app
from console.audit import AuditLog
from console.keys import KeyStore
from console.service import Console
from console.settings import ConsoleSettings
from sdk import ComplaintClient
from wire.codec import EncryptionCodec, settings_from_env

log = logging.getLogger("console")


def build(settings: ConsoleSettings, complaints: ComplaintClient) -> FastAPI:
    bounds = os.environ.get("COMPLAINTS_POLICY_BOUNDS") or "production"
    outbox = LocalBackend(settings.outbox_db) if settings.outbox_db.exists() else None
    console = Console(
        complaints,
        FileStaffDirectory(settings.staff_directory_file or DEMO_DIRECTORY),
        KeyStore(settings.keys_dir),
        AuditLog(settings.audit_db),
        policies=FilePolicyStore(settings.policy_dirs, BOUNDS[bounds]),
        outbox=outbox,
    )
    encryption = settings_from_env()
    codec = EncryptionCodec(encryption.key, encryption.old_keys) if encryption.key else None
    return create_app(settings, console, codec)


async def serve(settings: ConsoleSettings) -> None:
    complaints = await ComplaintClient.connect()
    app = build(settings, complaints)
    config = uvicorn.Config(
        app, host=settings.host, port=settings.port, log_level="warning", lifespan="off"
    )
    await uvicorn.Server(config).serve()


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        settings = ConsoleSettings.from_env()
    except ValueError as error:
        sys.exit(f"complaints-console: {error}")
    print(f"Staff console on {settings.url}/" + (" (development sign-in)" if settings.dev else ""))
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(settings))


if __name__ == "__main__":
    main()
