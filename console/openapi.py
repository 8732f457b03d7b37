"""`python -m console.openapi > docs/console-openapi.json`: the JSON API's OpenAPI document
(a test checks the committed one is current)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from console.app import create_app
from console.settings import ConsoleSettings

DOCUMENT = Path(__file__).resolve().parent.parent / "docs" / "console-openapi.json"


def document() -> dict[str, Any]:
    """The API as a production console serves it (no development issuer)."""
    from console.settings import OidcSettings

    settings = ConsoleSettings(
        oidc=OidcSettings(
            issuer="https://id.example.com",
            jwks_url="https://id.example.com/jwks",
            audience="complaints-console",
            authorize_url="https://id.example.com/authorize",
        ),
        session_secret="x" * 32,
    )
    return create_app(settings, console=None).openapi()  # type: ignore[arg-type]


def render() -> str:
    return json.dumps(document(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
