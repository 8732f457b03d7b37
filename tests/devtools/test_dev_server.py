"""DevServer really starts the Temporal CLI dev server, persists, and cleans up."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import ListSearchAttributesRequest
from temporalio.client import Client

from devtools.dev_server import DevServer, free_ports, port_is_open, terminate
from tests import processes


async def _custom_search_attributes(address: str) -> dict[str, int]:
    client = await Client.connect(address)
    assert await client.service_client.check_health()
    resp = await client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace="default")
    )
    return dict(resp.custom_attributes)


async def test_dev_server_starts_registers_search_attribute_and_stops(tmp_path: Path) -> None:
    port, ui_port = free_ports(2)
    server = DevServer(
        tmp_path / "data",
        port=port,
        ui_port=ui_port,
        search_attributes={"ComplaintStatus": "Keyword"},
    )
    with server:
        assert not server.reused
        assert server.address == f"127.0.0.1:{port}"
        assert server.ui_url == f"http://127.0.0.1:{ui_port}"
        attrs = await _custom_search_attributes(server.address)
        assert attrs["ComplaintStatus"] == IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD
        assert server.db_path.is_file()
        assert server.log_path.is_file()
        proc = server.process
        assert proc is not None and proc.poll() is None
    assert proc.poll() is not None, "server process still running after exit"
    assert not port_is_open("127.0.0.1", port)


async def test_restart_reuses_db_adds_new_search_attribute_and_reuses_running_server(
    tmp_path: Path,
) -> None:
    port, ui_port = free_ports(2)
    data = tmp_path / "data"
    with DevServer(data, port=port, ui_port=ui_port, search_attributes={"A": "Keyword"}):
        pass
    # The CLI ignores --search-attribute on an existing db; DevServer must add B itself.
    wanted = {"A": "Keyword", "B": "Int"}
    with DevServer(data, port=port, ui_port=ui_port, search_attributes=wanted) as first:
        attrs = await _custom_search_attributes(first.address)
        assert attrs["A"] == IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD
        assert attrs["B"] == IndexedValueType.INDEXED_VALUE_TYPE_INT
        # A second DevServer on the same port piggybacks and must not kill the first.
        with DevServer(data, port=port, ui_port=ui_port, search_attributes=wanted) as second:
            assert second.reused and second.process is None
        assert first.process is not None and first.process.poll() is None
        assert await _custom_search_attributes(first.address)
    assert not port_is_open("127.0.0.1", port)


@pytest.mark.skipif(not processes.PROC.is_dir(), reason="reads /proc (Linux)")
def test_terminate_stops_the_whole_process_group_even_what_ignores_sigterm() -> None:
    # The leader exits on SIGTERM; its child ignores SIGTERM and outlives it.
    proc = subprocess.Popen(
        ["sh", "-c", "(trap '' TERM; exec sleep 3600) & exec sleep 3600"],
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while len(members := processes.in_group(proc.pid)) < 2:
            assert time.monotonic() < deadline, "the child never started"
            time.sleep(0.05)
        terminate(proc, timeout=30)
        assert proc.returncode is not None
        assert processes.until_gone([p.pid for p in members]) == []
    finally:
        processes.kill(processes.in_group(proc.pid))
