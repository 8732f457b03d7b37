"""The one place that builds a Temporal client: worker, `make run`, SDK and CLI all come here.

Where to connect follows Temporal's own environment configuration (the same
variables and TOML profiles as the `temporal` CLI), so a laptop and a cluster
differ only in the environment:

- ``TEMPORAL_ADDRESS`` (default 127.0.0.1:7233), ``TEMPORAL_NAMESPACE`` (default "default")
- ``TEMPORAL_API_KEY`` (turns TLS on), or mTLS: ``TEMPORAL_TLS_CLIENT_CERT_PATH``,
  ``TEMPORAL_TLS_CLIENT_KEY_PATH``, ``TEMPORAL_TLS_SERVER_CA_CERT_PATH`` (or ``*_DATA``),
  ``TEMPORAL_TLS_SERVER_NAME``, ``TEMPORAL_TLS=true``
- ``TEMPORAL_PROFILE`` / ``TEMPORAL_CONFIG_FILE`` for a profile in a TOML file
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

from temporalio.client import Client, Interceptor
from temporalio.converter import DataConverter
from temporalio.envconfig import ClientConfig, ClientConnectConfig
from temporalio.runtime import Runtime

from schemas.complaint import DEFAULT_ADDRESS, DEFAULT_NAMESPACE
from wire.converter import data_converter_from_env
from wire.telemetry import interceptors_from_env


def data_converter() -> DataConverter:
    """Pydantic models on the wire, everywhere: strict workflow inputs, and AES-GCM
    encrypted payloads when ``COMPLAINTS_PAYLOAD_KEY`` is set (see `wire.converter`)."""
    return data_converter_from_env()


def connect_config(
    address: str | None = None,
    namespace: str | None = None,
    env: Mapping[str, str] | None = None,
) -> ClientConnectConfig:
    """Connection settings from the environment (or `env`), with explicit values winning."""
    config = ClientConfig.load_client_connect_config(override_env_vars=env)
    config.setdefault("target_host", DEFAULT_ADDRESS)
    config.setdefault("namespace", DEFAULT_NAMESPACE)
    if address:
        config["target_host"] = address
    if namespace:
        config["namespace"] = namespace
    return config


async def connect(
    config: ClientConnectConfig | None = None,
    *,
    runtime: Runtime | None = None,
    interceptors: Sequence[Interceptor] | None = None,
) -> Client:
    """A client with our data converter; `config` defaults to `connect_config()`.

    `runtime`: e.g. one serving metrics (`wire.telemetry.metrics_runtime`). `interceptors`
    default to tracing when the ``OTEL_*`` environment turns it on (`wire.telemetry`); a
    worker built on the client uses them too."""
    return await Client.connect(
        **(config if config is not None else connect_config()),
        data_converter=data_converter(),
        runtime=runtime,
        interceptors=interceptors_from_env(os.environ) if interceptors is None else interceptors,
    )
