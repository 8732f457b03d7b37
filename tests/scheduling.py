"""How `make test` hands tests to pytest-xdist workers (`--dist loadgroup`).

xdist's `loadgroup` gives each worker the next work unit (a test, or an `xdist_group`'s
tests) from the front of the queue whenever it holds two or fewer unfinished tests. The
slow tests come first (`tests.conftest.pytest_collection_modifyitems`), the chaos run
first of all. An xdist worker starts a test only once it holds the next one (or is told to
stop), so the chaos run's worker always holds one more test: from the front, that was the
next slow test (the bench smoke run, a minute), which then waited minutes behind the
chaos run, at the end of the run. Here a worker running a `LONG_GROUPS` test takes its
further tests from the end of the queue instead, among the quickest.
"""

from __future__ import annotations

from typing import Any

from xdist.scheduler import LoadGroupScheduling

LONG_GROUPS = frozenset({"chaos", "multi-worker"})
"""`xdist_group`s of one test that runs for minutes."""


class LongAloneScheduling(LoadGroupScheduling):
    """xdist's `loadgroup`; a worker with a `LONG_GROUPS` test unfinished is given its next
    work unit from the end of the queue."""

    def _assign_work_unit(self, node: Any) -> None:
        held = self.assigned_work.get(node, {})
        if not any(scope in LONG_GROUPS and not all(done.values()) for scope, done in held.items()):
            super()._assign_work_unit(node)
            return
        scope, work_unit = self.workqueue.popitem(last=True)
        self.assigned_work.setdefault(node, {})[scope] = work_unit
        collection = self.registered_collections[node]
        node.send_runtest_some(
            [collection.index(nodeid) for nodeid, done in work_unit.items() if not done]
        )
