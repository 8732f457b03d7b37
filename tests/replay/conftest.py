"""Replay suite: its figures join the reliability summary printed at the end of the run."""

from __future__ import annotations

from tests.reliability.summary import print_summary


def pytest_terminal_summary(terminalreporter) -> None:
    print_summary(terminalreporter)
