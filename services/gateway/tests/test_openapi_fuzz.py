"""schemathesis over the gateway's own OpenAPI document: no request it can build, valid or not,
gets a 5xx from the running system.

The fuzzer runs as its command-line tool against the gateway served in this process, signed in
as a real user, with the path parameters pinned to that user's workspace, flow and sandbox
number so that requests reach the services rather than stopping at 404. Log out and leaving the
workspace are left out: they would end the fuzzer's own access halfway.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import httpx
import pytest

from .conftest import NewAccount, System

# Every route of the document answers from its service, the knowledge bases' and jobs' too.
WITH_AI_RAG = True
WITH_SCRAPER = True
SCHEMATHESIS = str(Path(sys.executable).with_name("schemathesis"))
CONFIG = """
[headers]
Authorization = "Bearer {token}"

[parameters]
workspace_id = "{workspace_id}"
flow_id = "{flow_id}"
channel_id = "sandbox"
"""


@pytest.mark.timeout(300)
async def test_no_request_built_from_the_spec_gets_a_server_error(
    system: System, api: httpx.AsyncClient, account: NewAccount, tmp_path: Path
) -> None:
    ana = await account("fuzz")
    assert (await api.post(ana.path("/channels/sandbox"), json={}, headers=ana.auth)).is_success
    flow = await api.post(ana.path("/flows"), json={"name": "Fuzzed"}, headers=ana.auth)
    config = tmp_path / "schemathesis.toml"
    config.write_text(
        CONFIG.format(
            token=ana.token, workspace_id=ana.workspace_id, flow_id=flow.json()["flow_id"]
        )
    )
    process = await asyncio.create_subprocess_exec(
        SCHEMATHESIS,
        "--config-file",
        str(config),
        "run",
        f"{system.api_url}/api/openapi.json",
        "--checks",
        "not_a_server_error",
        "--max-examples",
        "12",
        "--seed",
        "20261201",
        "--workers",
        "1",
        # The budget is repeated fuzzing: 60 s covers all 118 operations through the coverage,
        # fuzzing and stateful phases once (673 cases); 150 s added only repeats, and 90 s.
        "--max-time",
        "60",
        "--exclude-path",
        "/api/v1/auth/logout",
        "--exclude-path-regex",
        "/leave$",
        "--request-timeout",
        "20",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        cwd=tmp_path,
    )
    out, _ = await asyncio.wait_for(process.communicate(), 280)
    report = out.decode(errors="replace")
    assert process.returncode == 0, report[-6000:]
    assert "operations" in report.lower() or "passed" in report.lower(), report[-2000:]
