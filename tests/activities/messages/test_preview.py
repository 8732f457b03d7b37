"""The translators' preview command."""

from __future__ import annotations

import pytest

from activities.messages.preview import main
from schemas.messages import MessageKind


def test_preview_renders_every_kind(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["all", "et", "sms"]) == 0

    out = capsys.readouterr().out
    assert out.count("=== ") == len(MessageKind)
    assert "Pöördumine C-1042:" in out


def test_preview_takes_a_zone_and_a_currency(capsys: pytest.CaptureFixture[str]) -> None:
    main(["proposals", "en", "email", "--time-zone", "America/New_York", "--currency", "USD"])

    out = capsys.readouterr().out
    assert "A replacement item, worth US$1,234.50 (recommended)" in out
    assert "New York time" in out


def test_preview_refuses_an_unknown_kind() -> None:
    with pytest.raises(SystemExit):
        main(["complaint_letter", "en", "email"])
