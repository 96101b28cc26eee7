"""JSON Schema of every contract, committed under libs/contracts/schemas/.

The committed files are the published shape of our wire formats: a test regenerates them and fails
when a contract changed without `make contracts` (so a reviewer sees every wire change as a diff).
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from pathlib import Path
from typing import Any

import parley.contracts
from parley.contracts.envelope import Envelope
from parley.contracts.registry import Registry, registry

SCHEMA_DIR = Path(__file__).resolve().parents[3] / "schemas"
_OWN_PREFIX = "parley.contracts"


def import_all_contracts() -> None:
    """Import every module of the package so every contract class registers itself."""
    for module in pkgutil.walk_packages(parley.contracts.__path__, prefix=_OWN_PREFIX + "."):
        importlib.import_module(module.name)


def render_schemas(reg: Registry = registry) -> dict[str, str]:
    """File name -> JSON text, for the envelope and every contract defined in this package."""
    import_all_contracts()
    files = {"envelope.json": _dump(Envelope.model_json_schema())}
    for cls in reg:
        if not cls.__module__.startswith(_OWN_PREFIX):
            continue  # contracts declared by tests are not published
        schema = cls.model_json_schema()
        schema["x-parley"] = {
            "wire_name": cls.wire_name,
            "schema_version": cls.schema_version,
            "kind": cls.kind,
        }
        files[f"{cls.wire_name}.v{cls.schema_version}.json"] = _dump(schema)
    return files


def export_schemas(out_dir: Path = SCHEMA_DIR) -> list[Path]:
    """Write the schemas and delete files of contracts that no longer exist."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rendered = render_schemas()
    for stale in out_dir.glob("*.json"):
        if stale.name not in rendered:
            stale.unlink()
    written = []
    for name, text in rendered.items():
        path = out_dir / name
        path.write_text(text)
        written.append(path)
    return written


def check_schemas(out_dir: Path = SCHEMA_DIR) -> list[str]:
    """Every difference between the code's contracts and the committed schemas."""
    rendered = render_schemas()
    problems = []
    committed = {p.name for p in out_dir.glob("*.json")} if out_dir.exists() else set()
    for name, text in rendered.items():
        path = out_dir / name
        if name not in committed:
            problems.append(f"{name}: not committed; run `make contracts`")
        elif path.read_text() != text:
            problems.append(f"{name}: contract changed but its schema was not regenerated")
    for name in sorted(committed - set(rendered)):
        problems.append(f"{name}: committed but no such contract exists any more")
    return problems


def _dump(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"
