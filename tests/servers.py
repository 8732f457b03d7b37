"""Temporal servers for tests, with our search attributes registered as `make run` does."""

from __future__ import annotations

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.client import Client

from workflows.search_attributes import KEYS


async def register_search_attributes(client: Client) -> None:
    """For the time-skipping server, which takes them only through the operator service."""
    await client.operator_service.add_search_attributes(
        AddSearchAttributesRequest(
            namespace=client.namespace,
            search_attributes={
                key.name: IndexedValueType.ValueType(key.indexed_value_type.value) for key in KEYS
            },
        )
    )
