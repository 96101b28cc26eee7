"""Projects crm's contact and settings events into `contacts`, `custom_fields`,
`consent_keywords` and `erased_contacts`.

Applied inside the checkpoint's transaction by the runtime's ProjectionRunner, so each event
takes effect once. `reset` empties every table but `erased_contacts`: an erasure is forever, and
the projections fed from other streams use it as a cut-off when they are rebuilt.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, insert
from sqlalchemy.ext.asyncio import AsyncConnection

from parley.contracts.crm.events import (
    ConsentKeywordsChanged,
    ContactCreated,
    ContactErased,
    ContactOptedIn,
    ContactOptedOut,
    ContactStageChanged,
    ContactTagsChanged,
    ContactUpdated,
    FieldDefined,
    FieldRemoved,
)
from parley.contracts.streams import CRM
from parley.crm.adapters.tables import (
    consent_keywords,
    contacts,
    custom_fields,
    erased_contacts,
    in_schema,
)
from parley.runtime.consumers import ConsumerSpec
from parley.runtime.eventstore.store import StoredEvent

CONSUMER = ConsumerSpec(
    stream=CRM.name,
    durable="crm-contacts-read-model",
    filter_subjects=("crm.evt.>",),
    max_deliver=10,
    fetch_batch=256,
)

_TEXT_ARRAY = ARRAY(sa.Text)
# Every column of a contact that says something about the person, and the consent record too:
# the purged log no longer holds it, so a rebuilt tombstone could not have it either.
_BLANK: dict[str, Any] = {
    "phone": "",
    "user_id": "",
    "name": "",
    "language": "",
    "time_zone": "",
    "fields": {},
    "tags": [],
    "stage": "new",
    "consent_state": "unknown",
    "opted_in_source": "",
    "opted_in_at": None,
    "opted_in_wording": "",
    "opted_in_channel": "",
    "opted_out_at": None,
    "opted_out_channel": "",
    "opted_out_source": "",
}


class ContactReadModel:
    name = "crm-contacts"
    # What it writes anything for; the rest of the stream is passed over undecoded.
    handles = frozenset(
        m.wire_name
        for m in (
            ContactCreated,
            ContactUpdated,
            ContactTagsChanged,
            ContactStageChanged,
            ContactOptedIn,
            ContactOptedOut,
            ContactErased,
            FieldDefined,
            FieldRemoved,
            ConsentKeywordsChanged,
        )
    )

    async def reset(self, conn: AsyncConnection, schema: str) -> None:
        names = ", ".join(
            f'"{schema}".{t}' for t in ("contacts", "custom_fields", "consent_keywords")
        )
        await conn.execute(sa.text(f"TRUNCATE {names}"))

    async def apply_batch(
        self, conn: AsyncConnection, schema: str, events: list[StoredEvent]
    ) -> None:
        """Runs of ContactCreated (an import, a rebuild) as one multi-row upsert each; anything
        else one by one, in order, so the tables end as `apply` on each would leave them."""
        db = await in_schema(conn, schema)
        run: dict[tuple[str, str], ContactCreated] = {}
        for event in events:
            message = event.message
            if isinstance(message, ContactCreated):
                key = (event.envelope.workspace_id, message.contact_id)
                if key in run:  # one statement may not upsert a row twice
                    await _created_many(db, run)
                    run = {}
                run[key] = message
                continue
            if run:
                await _created_many(db, run)
                run = {}
            await self._apply(db, event)
        if run:
            await _created_many(db, run)

    async def apply(self, conn: AsyncConnection, schema: str, event: StoredEvent) -> None:
        await self._apply(await in_schema(conn, schema), event)

    async def _apply(self, db: AsyncConnection, event: StoredEvent) -> None:
        message = event.message
        ws = event.envelope.workspace_id
        if isinstance(message, ContactCreated):
            await _created_many(db, {(ws, message.contact_id): message})
        elif isinstance(message, ContactUpdated):
            await _updated(db, ws, message)
        elif isinstance(message, ContactTagsChanged):
            gone = sorted({*message.removed, *message.added})  # added ones go to the end
            kept = sa.text(
                "ARRAY(SELECT t FROM unnest(tags) WITH ORDINALITY AS u(t, n)"
                " WHERE t <> ALL(:gone) ORDER BY n)"
            ).bindparams(sa.bindparam("gone", gone, type_=_TEXT_ARRAY))
            await _set(
                db,
                ws,
                message.contact_id,
                message.at,
                tags=sa.func.array_cat(kept, sa.cast(list(message.added), _TEXT_ARRAY)),
            )
        elif isinstance(message, ContactStageChanged):
            await _set(db, ws, message.contact_id, message.at, stage=message.stage)
        elif isinstance(message, ContactOptedIn):
            await _set(
                db,
                ws,
                message.contact_id,
                message.at,
                consent_state="opted_in",
                opted_in_source=message.source,
                opted_in_at=message.at,
                opted_in_wording=message.wording,
                opted_in_channel=message.channel,
            )
        elif isinstance(message, ContactOptedOut):
            await _set(
                db,
                ws,
                message.contact_id,
                message.at,
                consent_state="opted_out",
                opted_out_at=message.at,
                opted_out_channel=message.channel,
                opted_out_source=message.source,
            )
        elif isinstance(message, ContactErased):
            await _erased(db, ws, message)
        elif isinstance(message, FieldDefined):
            definition = message.field
            values = {
                "label": definition.label,
                "type": definition.type,
                "choices": list(definition.choices),
                "defined_at": message.at,
            }
            await db.execute(
                insert(custom_fields)
                .values(workspace_id=ws, key=definition.key, **values)
                .on_conflict_do_update(index_elements=["workspace_id", "key"], set_=values)
            )
        elif isinstance(message, FieldRemoved):
            await db.execute(
                custom_fields.delete().where(
                    custom_fields.c.workspace_id == ws, custom_fields.c.key == message.key
                )
            )
            # Every contact's value of it goes too (only rows that hold one are touched).
            await db.execute(
                contacts.update()
                .where(contacts.c.workspace_id == ws, contacts.c.fields.has_key(message.key))
                .values(fields=contacts.c.fields.op("-")(sa.literal(message.key, sa.Text)))
            )
        elif isinstance(message, ConsentKeywordsChanged):
            values = {
                "languages": list(message.languages),
                "extra_keywords": list(message.extra_keywords),
                "changed_at": message.at,
            }
            await db.execute(
                insert(consent_keywords)
                .values(workspace_id=ws, **values)
                .on_conflict_do_update(index_elements=["workspace_id"], set_=values)
            )


def _created_row(ws: str, event: ContactCreated) -> dict[str, Any]:
    return {
        "workspace_id": ws,
        "contact_id": event.contact_id,
        "phone": event.phone,
        "user_id": event.user_id,
        "name": event.name,
        "language": event.language,
        "time_zone": event.time_zone,
        "fields": dict(event.fields),
        "tags": list(event.tags),
        "stage": event.stage,
        "source": event.source,
        "consent_state": "unknown",
        "opted_in_source": "",
        "opted_in_at": None,
        "opted_in_wording": "",
        "opted_in_channel": "",
        "opted_out_at": None,
        "opted_out_channel": "",
        "opted_out_source": "",
        "erased": False,
        "created_at": event.at,
        "updated_at": event.at,
    }


def _upsert_created() -> Any:
    statement = insert(contacts)
    kept = {"workspace_id", "contact_id"}
    return statement.on_conflict_do_update(
        index_elements=["workspace_id", "contact_id"],
        set_={c.name: statement.excluded[c.name] for c in contacts.c if c.name not in kept},
    )


_UPSERT_CREATED = _upsert_created()


async def _created_many(
    db: AsyncConnection, created: dict[tuple[str, str], ContactCreated]
) -> None:
    # An upsert: someone erased who writes in again starts a fresh row over their tombstone.
    # The rows go as parameters of one cached statement (SQLAlchemy batches them into
    # multi-row VALUES), rather than a statement compiled anew for each batch's rows.
    await db.execute(_UPSERT_CREATED, [_created_row(ws, e) for (ws, _), e in created.items()])


async def _updated(db: AsyncConnection, ws: str, event: ContactUpdated) -> None:
    values: dict[str, Any] = {}
    for column in ("name", "language", "time_zone", "phone"):
        value = getattr(event, column)
        if value is not None:
            values[column] = value
    if event.set_fields or event.unset_fields:
        merged = contacts.c.fields.op("||")(sa.cast(dict(event.set_fields), JSONB))
        if event.unset_fields:
            merged = merged.op("-")(sa.cast(list(event.unset_fields), _TEXT_ARRAY))
        values["fields"] = merged
    await _set(db, ws, event.contact_id, event.at, **values)


async def _erased(db: AsyncConnection, ws: str, event: ContactErased) -> None:
    # A tombstone row: the contact shows as erased, holding nothing about the person. After a
    # rebuild the purged log has only this event, so the row is inserted rather than updated.
    tombstone = {**_BLANK, "erased": True, "updated_at": event.at}
    await db.execute(
        insert(contacts)
        .values(workspace_id=ws, contact_id=event.contact_id, created_at=event.at, **tombstone)
        .on_conflict_do_update(index_elements=["workspace_id", "contact_id"], set_=tombstone)
    )
    await db.execute(
        insert(erased_contacts)
        .values(workspace_id=ws, contact_id=event.contact_id, erased_at=event.at)
        .on_conflict_do_update(
            index_elements=["workspace_id", "contact_id"],
            set_={"erased_at": sa.func.greatest(erased_contacts.c.erased_at, event.at)},
        )
    )


async def _set(db: AsyncConnection, ws: str, contact_id: str, at: object, **values: Any) -> None:
    await db.execute(
        contacts.update()
        .where(contacts.c.workspace_id == ws, contacts.c.contact_id == contact_id)
        .values(updated_at=at, **values)
    )
