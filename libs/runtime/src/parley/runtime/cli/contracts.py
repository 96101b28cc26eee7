"""`parley contracts export`: the committed JSON Schemas of every contract."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="JSON Schemas of the contracts.", no_args_is_help=True)


@app.command()
def export(
    out: Annotated[
        Path | None, typer.Option(help="Schema directory [default: libs/contracts/schemas].")
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Only report schemas that differ; write nothing.")
    ] = False,
) -> None:
    """Write one JSON Schema per contract, or with --check fail when they are out of date."""
    from parley.contracts.schema_export import SCHEMA_DIR, check_schemas, export_schemas

    target = out or SCHEMA_DIR
    if check:
        problems = check_schemas(target)
        for problem in problems:
            typer.echo(problem, err=True)
        if problems:
            typer.echo("schemas are out of date: run `make contracts` and commit them", err=True)
            raise typer.Exit(1)
        typer.echo(f"schemas in {target} are up to date")
        return
    written = export_schemas(target)
    typer.echo(f"wrote {len(written)} schemas to {target}")
