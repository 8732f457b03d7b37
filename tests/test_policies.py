"""The committed policy folders match the model: the schema, the default, every document."""

from __future__ import annotations

from pathlib import Path

import pytest

from activities.policy_store import DEVELOPMENT, PRODUCTION, FilePolicyStore, PolicyRefused
from schemas.policy import CURRENT, DEFAULT_VERSION, CompanyPolicy, as_json, json_schema

REPO = Path(__file__).resolve().parents[1]
POLICIES = REPO / "policies"
DEMO_POLICIES = REPO / "devtools" / "policies"
SCHEMA = POLICIES / "company-policy.schema.json"
REGENERATE = "regenerate it: python -m schemas.policy{} > {}"


def documents(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.json") if p != SCHEMA)


def test_the_committed_schema_is_the_models():
    assert SCHEMA.read_text() == as_json(json_schema()), REGENERATE.format("", SCHEMA)


def test_the_default_document_is_the_models_defaults():
    default = POLICIES / f"{DEFAULT_VERSION}.json"
    assert CompanyPolicy.model_validate_json(default.read_text()) == CompanyPolicy()
    assert default.read_text() == as_json(CompanyPolicy().model_dump(mode="json")), (
        REGENERATE.format(" default", default)
    )


@pytest.mark.parametrize("path", documents(POLICIES), ids=lambda p: p.stem)
async def test_every_operator_document_loads_under_production_bounds(path: Path):
    assert (await FilePolicyStore(POLICIES, PRODUCTION).load(path.stem)).version == path.stem


async def test_the_current_version_is_the_default():
    assert await FilePolicyStore(POLICIES).load(CURRENT) == CompanyPolicy()


@pytest.mark.parametrize("path", documents(DEMO_POLICIES), ids=lambda p: p.stem)
async def test_the_demo_documents_need_development_bounds(path: Path):
    store = FilePolicyStore([POLICIES, DEMO_POLICIES], DEVELOPMENT)
    assert (await store.load(path.stem)).version == path.stem
    with pytest.raises(PolicyRefused, match="refused by the production bounds"):
        await FilePolicyStore([POLICIES, DEMO_POLICIES], PRODUCTION).load(path.stem)
