"""What `make run` prints after the demo: commands to try and UI links that really filter.

(tests/devtools/test_run_local.py runs `make run`'s supervisor and the whole demo.)"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from devtools import demo
from schemas.policy import CURRENT, CompanyPolicy
from sdk import ComplaintClient
from workers.config import Settings
from workers.worker import make_policy_store


async def test_the_demo_prints_cli_commands_and_ui_queries_the_server_accepts(
    complaints: ComplaintClient,
):
    cid = "demo-20261125-120000-for-you"
    text = demo._try_this(
        complaints, "http://127.0.0.1:8233", "demo-20261125-120000", cid, Path("data")
    )

    assert ".venv/bin/complaints inbox --level 2" in text
    assert f".venv/bin/complaints approve {cid} --dev-as manager-1" in text
    assert "development only" in text
    links = re.findall(r"http://127\.0\.0\.1:8233/namespaces/default/workflows\?\S+", text)
    queries = [parse_qs(urlsplit(link).query)["query"][0] for link in links]
    assert queries == [
        'WorkflowId STARTS_WITH "complaint-demo-20261125-120000"',
        "ComplaintStatus = 'awaiting_manager'",
    ]
    for query in queries:  # valid visibility syntax on a real server
        assert isinstance(await complaints.find(query), list)


async def test_the_demo_worker_loads_the_demo_policy_beside_the_operators():
    store = make_policy_store(demo.worker_settings(Settings()))
    demo_policy = await store.load(demo.DEMO_VERSION)
    assert demo_policy.deadlines.callback_interval == timedelta(seconds=12)
    assert await store.load(CURRENT) == CompanyPolicy()
