"""The Web UI's codec endpoint (decode only, signed-in staff only, the UI's origin only), and
the committed OpenAPI document."""

from __future__ import annotations

import base64
from pathlib import Path

from temporalio.api.common.v1 import Payload

from console import openapi
from sdk import ComplaintClient
from tests.conftest import DevWorker
from tests.console.conftest import build
from wire.codec import EncryptionCodec, new_key, parse_key


def _json(payload: Payload) -> dict:
    return {
        "metadata": {k: base64.b64encode(v).decode() for k, v in payload.metadata.items()},
        "data": base64.b64encode(payload.data).decode(),
    }


async def test_the_codec_decodes_for_signed_in_staff_from_the_ui_origin_only(
    tmp_path: Path, complaints: ComplaintClient, dev_worker: DevWorker
):
    codec = EncryptionCodec(parse_key(new_key()))
    running = build(tmp_path, complaints, dev_worker, 8400, codec=codec)
    plain = Payload(metadata={"encoding": b"json/plain"}, data=b'{"customer_name":"Mari Tamm"}')
    [sealed] = await codec.encode([plain])
    assert b"Mari" not in sealed.data
    body = {"payloads": [_json(sealed)]}
    async with running.api() as anonymous:
        assert (await anonymous.post("/codec/decode", json=body)).status_code == 401
        forged = {"Authorization": "Bearer eyJhbGciOiJub25lIn0.e30."}
        assert (await anonymous.post("/codec/decode", json=body, headers=forged)).status_code == 401
        ui = {"Origin": "http://127.0.0.1:8233", "Access-Control-Request-Method": "POST"}
        allowed = await anonymous.options("/codec/decode", headers=ui)
        assert allowed.headers.get("access-control-allow-origin") == "http://127.0.0.1:8233"
        other = ui | {"Origin": "http://evil.example"}
        refused = await anonymous.options("/codec/decode", headers=other)
        assert "access-control-allow-origin" not in refused.headers
    async with running.api("manager-1") as staff:
        answer = await staff.post("/codec/decode", json=body)
        assert answer.status_code == 200, answer.text
        [decoded] = answer.json()["payloads"]
        assert base64.b64decode(decoded["data"]) == plain.data
        assert (await staff.post("/codec/encode", json=body)).status_code in (404, 405)
        garbage = await staff.post("/codec/decode", json={"payloads": [{"data": "%%%"}]})
        assert garbage.status_code == 400


def test_the_committed_openapi_document_is_current():
    committed = openapi.DOCUMENT.read_text()
    assert committed == openapi.render(), (
        "docs/console-openapi.json is stale: .venv/bin/python -m console.openapi "
        "> docs/console-openapi.json"
    )
