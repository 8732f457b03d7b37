"""The staff console the CLI sends its decisions to (`tests.console.conftest.served`)."""

from tests.console.conftest import served

__all__ = ["served"]
