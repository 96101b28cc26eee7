"""Projects `billing.AccountChanged` into `accounts` and `account_workspaces`: how the webhook
handler finds an account by Stripe customer or subscription, and the meter a workspace's
organization. Applied inside the checkpoint's transaction, so each event counts once."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from parley.billing.adapters.tables import account_workspaces, accounts, in_schema
from parley.contracts.billing.events import AccountChanged
from parley.contracts.streams import BILLING
from parley.runtime.consumers import ConsumerSpec
from parley.runtime.eventstore.store import StoredEvent

CONSUMER = ConsumerSpec(
    stream=BILLING.name,
    durable="billing-accounts-read-model",
    filter_subjects=("billing.evt.*.account",),
    max_deliver=10,
)


class AccountReadModel:
    name = "accounts"
    handles = frozenset({AccountChanged.wire_name})

    async def reset(self, conn: AsyncConnection, schema: str) -> None:
        await conn.execute(sa.text(f'TRUNCATE "{schema}".accounts, "{schema}".account_workspaces'))

    async def apply(self, conn: AsyncConnection, schema: str, event: StoredEvent) -> None:
        message = event.message
        if not isinstance(message, AccountChanged):
            return
        account = message.account
        conn = await in_schema(conn, schema)
        row = {
            "organization_id": account.organization_id,
            "plan": account.plan,
            "status": account.status,
            "stripe_customer": account.stripe_customer,
            "stripe_subscription": account.stripe_subscription,
            "account": account.model_dump(mode="json"),
            "updated_at": message.at,
        }
        upsert = insert(accounts).values(row)
        await conn.execute(
            upsert.on_conflict_do_update(
                index_elements=[accounts.c.organization_id],
                set_={k: upsert.excluded[k] for k in row if k != "organization_id"},
            )
        )
        for workspace_id in account.workspaces:
            link = insert(account_workspaces).values(
                workspace_id=workspace_id, organization_id=account.organization_id
            )
            await conn.execute(
                link.on_conflict_do_update(
                    index_elements=[account_workspaces.c.workspace_id],
                    set_={"organization_id": link.excluded.organization_id},
                )
            )
