"""Where the worker finds its policies, from the environment as every other setting."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from activities.policy_store import DEVELOPMENT, PRODUCTION, FilePolicyStore, HttpPolicyStore
from workers.config import Settings
from workers.worker import make_policy_store

POLICY_ENV = ("COMPLAINTS_POLICY_DIR", "COMPLAINTS_HTTP_POLICY_URL", "COMPLAINTS_POLICY_BOUNDS")


@pytest.fixture(autouse=True)
def clean(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (*POLICY_ENV, "COMPLAINTS_HTTP_TOKEN", "COMPLAINTS_HTTP_TIMEOUT_S"):
        monkeypatch.delenv(name, raising=False)


def test_the_policies_folder_under_production_bounds_is_the_default():
    store = make_policy_store(Settings.from_env())
    assert isinstance(store, FilePolicyStore)
    assert (store.folders, store.bounds) == ((Path("policies"),), PRODUCTION)


def test_several_folders_and_development_bounds(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("COMPLAINTS_POLICY_DIR", os.pathsep.join(["/etc/policies", "demo"]))
    monkeypatch.setenv("COMPLAINTS_POLICY_BOUNDS", "development")
    store = make_policy_store(Settings.from_env())
    assert isinstance(store, FilePolicyStore)
    assert (store.folders, store.bounds) == ((Path("/etc/policies"), Path("demo")), DEVELOPMENT)


async def test_a_policy_service_with_the_token(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("COMPLAINTS_HTTP_POLICY_URL", "https://policy.example.com/v1")
    monkeypatch.setenv("COMPLAINTS_HTTP_TOKEN", "s3cret-token")
    settings = Settings.from_env()
    assert settings.policy_http is not None
    assert str(settings.policy_http.url) == "https://policy.example.com/v1"
    assert "s3cret-token" not in repr(settings)
    store = make_policy_store(settings)
    try:
        assert isinstance(store, HttpPolicyStore) and store.bounds == PRODUCTION
    finally:
        await store.aclose()


def test_a_folder_and_a_service_at_once_refuse_to_start(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("COMPLAINTS_POLICY_DIR", "policies")
    monkeypatch.setenv("COMPLAINTS_HTTP_POLICY_URL", "https://policy.example.com")
    with pytest.raises(ValueError, match="COMPLAINTS_POLICY_DIR or COMPLAINTS_HTTP_POLICY_URL"):
        Settings.from_env()


def test_unknown_bounds_refuse_to_start(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("COMPLAINTS_POLICY_BOUNDS", "lenient")
    with pytest.raises(ValueError, match="known: production, development"):
        Settings.from_env()
