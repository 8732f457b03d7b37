"""The staff directory's sources: the embedded document, a file, the company's service."""

from __future__ import annotations

import json

import httpx

from activities.staff_directory import FileStaffDirectory, HttpStaffDirectory
from devtools.demo_staff import demo_directory
from schemas.staff import StaffDirectory, StaffQuery, StaffRole
from workers.config import Settings
from workers.worker import make_staff_directory

MANAGERS_FROM_2 = StaffQuery(complaint_id="c-1", role=StaffRole.MANAGER, min_level=2)


def test_the_embedded_directory_is_the_demo_directory_with_its_derived_keys():
    assert FileStaffDirectory().load() == demo_directory()


async def test_a_directory_file_answers_by_role_level_and_store(tmp_path):
    members = demo_directory().members
    riga = members[2].model_copy(update={"stores": ["riga-1"]})
    path = tmp_path / "staff.json"
    path.write_text(StaffDirectory(members=[*members[:2], riga, *members[3:]]).model_dump_json())
    directory = make_staff_directory(Settings(staff_directory_file=path))
    in_tallinn = MANAGERS_FROM_2.model_copy(update={"store": "tallinn-2"})
    assert [m.staff_id for m in await directory.find(in_tallinn)] == [
        "manager-2b",
        "manager-3",
        "manager-3b",
    ]
    in_riga = MANAGERS_FROM_2.model_copy(update={"store": "riga-1"})
    assert "manager-2" in [m.staff_id for m in await directory.find(in_riga)]


async def test_the_directory_service_is_asked_and_its_answer_filtered_again():
    asked: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(request)
        return httpx.Response(200, json=json.loads(demo_directory().model_dump_json()))

    directory = HttpStaffDirectory(
        "https://staff.example.com/", "secret", transport=httpx.MockTransport(answer)
    )
    found = await directory.find(MANAGERS_FROM_2)
    await directory.aclose()
    assert [m.level for m in found] == [2, 2, 3, 3]  # a wider answer is narrowed here
    [request] = asked
    assert request.url.path == "/v1/staff"
    assert dict(request.url.params) == {"role": "manager", "min_level": "2"}
    assert request.headers["Authorization"] == "Bearer secret"
