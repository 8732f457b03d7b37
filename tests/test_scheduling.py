"""`make test`'s scheduling: the chaos run's worker is not handed the next slow test."""

from __future__ import annotations

from types import SimpleNamespace

from tests.scheduling import LongAloneScheduling

COLLECTION = [
    "tests/reliability/test_chaos.py::test_chaos@chaos",
    "tests/bench/test_bench_smoke.py::test_bench",
    "tests/devtools/test_run_local.py::test_make_run",
    "tests/workflows/test_http_faults.py::test_faults",
    "tests/domain/test_a.py::test_1",
    "tests/domain/test_a.py::test_2",
    "tests/domain/test_a.py::test_3",
]


class Node:
    def __init__(self, name: str) -> None:
        self.name = name
        self.gateway = SimpleNamespace(id=name)
        self.shutting_down = False
        self.sent: list[int] = []

    def send_runtest_some(self, indices: list[int]) -> None:
        self.sent += indices

    def shutdown(self) -> None:
        self.shutting_down = True


def _config(workers: int) -> SimpleNamespace:
    options = {"tx": [f"{workers}*popen"], "loadscopereorder": False}
    return SimpleNamespace(
        getvalue=options.get,
        getoption=options.get,
        option=SimpleNamespace(loadscopereorder=False, dist="loadgroup"),
    )


def _held(node: Node) -> list[str]:
    return [COLLECTION[i] for i in node.sent]


def _scheduled(workers: int) -> tuple[LongAloneScheduling, list[Node]]:
    sched = LongAloneScheduling(_config(workers))  # type: ignore[arg-type]
    nodes = [Node(f"gw{i}") for i in range(workers)]
    for node in nodes:
        sched.add_node(node)  # type: ignore[arg-type]
        sched.add_node_collection(node, COLLECTION)  # type: ignore[arg-type]
    sched.schedule()
    return sched, nodes


def test_the_chaos_runs_worker_holds_a_quick_test_from_the_end_and_the_others_the_slow_ones():
    _, (chaos, *others) = _scheduled(2)
    assert _held(chaos) == [COLLECTION[0], COLLECTION[-1]]
    assert _held(others[0]) == COLLECTION[1:3]


def test_once_the_chaos_run_is_done_its_worker_takes_from_the_front_like_the_others():
    sched, (chaos, other) = _scheduled(2)
    sched.mark_test_complete(other, 1)  # type: ignore[arg-type]
    assert _held(other)[2:] == [COLLECTION[3]]
    sched.mark_test_complete(chaos, 0)  # type: ignore[arg-type]
    assert _held(chaos)[2:] == [COLLECTION[4]]
