"""`parley billing`: plans for installations without Stripe (or to override it), and a look at
an organization's account. Assignments go to the billing service as `change-account`; the
workspaces of the organization follow within a second."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from parley.contracts.billing.queries import (
    AccountChangeResult,
    AccountReply,
    ChangeAccount,
    GetAccount,
    ListPlans,
    PlanCatalog,
)
from parley.runtime.cli.connection import DEFAULT_NATS_URL, NatsUrl, Unreachable
from parley.runtime.cli.output import table
from parley.runtime.cli.service_query import QueryFailed, ask_service

app = typer.Typer(help="Plans, usage and accounts.", no_args_is_help=True)


def _fail(error: Exception) -> typer.Exit:
    typer.echo(f"parley billing: {error}", err=True)
    return typer.Exit(1)


def _limit(value: int | None) -> str:
    return "unlimited" if value is None else f"{value:,}"


@app.command()
def plans(nats_url: NatsUrl = DEFAULT_NATS_URL) -> None:
    """The plan catalog: prices, limits and features."""
    try:
        catalog = asyncio.run(
            ask_service(nats_url, "billing", "list-plans", "cli", ListPlans(), PlanCatalog)
        )
    except (QueryFailed, Unreachable) as failed:
        raise _fail(failed) from None
    metrics = list(catalog.plans[0].limits) if catalog.plans else []
    rows = [
        [
            p.plan_id,
            f"{p.price_cents / 100:.2f} {p.currency}",
            *(_limit(p.limits.get(m)) for m in metrics),
            ",".join(p.features) or "-",
        ]
        for p in catalog.plans
    ]
    typer.echo(
        f"catalog version {catalog.version}; Stripe {'on' if catalog.stripe_enabled else 'off'}"
    )
    typer.echo(table(["PLAN", "PRICE", *(m.upper() for m in metrics), "FEATURES"], rows))


@app.command()
def assign(
    organization: Annotated[str, typer.Argument(help="The organization id (the app shows it).")],
    plan: Annotated[str, typer.Argument(help="A plan id: see `parley billing plans`.")],
    force: Annotated[
        bool, typer.Option(help="Override a plan a Stripe subscription governs.")
    ] = False,
    by: Annotated[str, typer.Option(help="Who assigns it, for the account's history.")] = "cli",
    nats_url: NatsUrl = DEFAULT_NATS_URL,
) -> None:
    """Put an organization on a plan (all its workspaces)."""
    query = ChangeAccount(
        organization_id=organization, action="assign", plan=plan, force=force, by=by
    )
    try:
        result = asyncio.run(
            ask_service(
                nats_url, "billing", "change-account", organization, query, AccountChangeResult
            )
        )
    except (QueryFailed, Unreachable) as failed:
        raise _fail(failed) from None
    if not result.ok:
        raise _fail(Exception(f"{result.code}: {result.message}"))
    account = result.account
    assert account is not None
    typer.echo(
        f"{account.organization_id}: {account.plan} ({account.status}) for "
        f"{len(account.workspaces)} workspace(s)"
    )


@app.command()
def show(
    organization: Annotated[str, typer.Argument(help="The organization id.")],
    workspace: Annotated[str, typer.Option("--workspace", "-w", help="One of its workspaces.")],
    nats_url: NatsUrl = DEFAULT_NATS_URL,
) -> None:
    """An organization's plan, status, period and this period's usage."""
    try:
        reply = asyncio.run(
            ask_service(
                nats_url,
                "billing",
                "get-account",
                workspace,
                GetAccount(organization_id=organization),
                AccountReply,
            )
        )
    except (QueryFailed, Unreachable) as failed:
        raise _fail(failed) from None
    a = reply.account
    typer.echo(
        f"{a.organization_id}: {a.plan} ({a.status}, {a.source}); period "
        f"{reply.period_start:%Y-%m-%d} to {reply.period_end:%Y-%m-%d}"
        + (f"; grace until {a.grace_until:%Y-%m-%d %H:%M}" if a.grace_until else "")
    )
    rows = [[u.metric, u.scope, f"{u.used:,}", _limit(u.limit)] for u in reply.usage]
    typer.echo(table(["METRIC", "SCOPE", "USED", "LIMIT"], rows))
