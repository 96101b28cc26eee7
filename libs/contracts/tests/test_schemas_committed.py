"""A contract changed without regenerating its committed JSON Schema fails here."""

from __future__ import annotations

from pathlib import Path

from parley.contracts.schema_export import SCHEMA_DIR, check_schemas, export_schemas


def test_committed_schemas_match_the_code() -> None:
    problems = check_schemas()
    assert problems == [], "\n".join(problems) + "\nRun `make contracts` and commit the result."


def test_the_check_notices_a_stale_schema(tmp_path: Path) -> None:
    export_schemas(tmp_path)
    assert check_schemas(tmp_path) == []
    victim = tmp_path / "runtime.HealthReport.v1.json"
    victim.write_text(victim.read_text().replace('"ready"', '"is_ready"'))
    (tmp_path / "gone.Contract.v1.json").write_text("{}")
    problems = check_schemas(tmp_path)
    assert any("runtime.HealthReport.v1.json" in p for p in problems)
    assert any("gone.Contract.v1.json" in p for p in problems)
    assert SCHEMA_DIR.name == "schemas"
