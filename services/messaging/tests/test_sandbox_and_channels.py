"""Channels over request/reply and the sandbox number, against the real running service."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from nats.aio.client import Client as NatsClient

from parley.contracts.ids import contact_id_for
from parley.contracts.messaging.channels import (
    ChangeChannel,
    ChannelAction,
    ChannelChangeResult,
    ChannelList,
    ListChannels,
)
from parley.contracts.messaging.commands import SendMessage
from parley.contracts.messaging.events import InboundMessageReceived, MessageDelivered, MessageSent
from parley.contracts.messaging.sandbox import (
    SandboxConversation,
    SandboxConversationPage,
    SandboxSend,
    SandboxSent,
)
from parley.messaging.adapters import buckets
from parley.messaging.testing import FakeCloudApi
from parley.messaging.testing.harness import (
    FAKE_APP_SECRET,
    FAKE_TOKEN,
    QueryFailed,
    ask,
    events_of,
    send,
    text,
    until,
)
from parley.runtime.service import Service


def workspace() -> str:
    return f"ws-{uuid.uuid4().hex[:12]}"


async def change(
    nc: NatsClient, ws: str, channel_id: str, action: ChannelAction, **payload: Any
) -> ChannelChangeResult:
    request = ChangeChannel(channel_id=channel_id, action=action, payload=payload)
    return await ask(nc, ws, request, ChannelChangeResult)


def connection(fake: FakeCloudApi, **overrides: Any) -> dict[str, Any]:
    return {
        "phone_number_id": fake.default_phone_number_id,
        "business_account_id": fake.waba_id,
        "access_token": FAKE_TOKEN,
        "app_secret": FAKE_APP_SECRET,
        "verify_token": "verify-me-please",
        **overrides,
    }


async def test_a_sandbox_customer_writes_in_and_gets_an_answer(
    messaging: Service, nc: NatsClient
) -> None:
    ws = workspace()
    created = await change(nc, ws, "sandbox", "create_sandbox")
    assert created.ok
    assert created.channel is not None
    assert created.channel.provider == "sandbox"

    sent = await ask(
        nc, ws, SandboxSend(channel_id="sandbox", phone="+15550001111", text="hola"), SandboxSent
    )
    contact = contact_id_for(ws, "15550001111")
    assert sent.contact_id == contact

    async def inbound() -> list[InboundMessageReceived]:
        return [e for _, e in await events_of(nc, ws) if isinstance(e, InboundMessageReceived)]

    received = await until(inbound, timeout=10)
    assert [(e.text, e.first_message, e.channel_id) for e in received] == [
        ("hola", True, "sandbox")
    ]

    await send(nc, ws, SendMessage(command_id="x1:1", contact_id=contact, message=text("Hi!")))

    async def statuses() -> list[str]:
        found = [e for _, e in await events_of(nc, ws)]
        kinds = [type(e).__name__ for e in found if isinstance(e, MessageSent | MessageDelivered)]
        return kinds if len(kinds) == 2 else []

    assert sorted(await until(statuses, timeout=10)) == ["MessageDelivered", "MessageSent"]
    page = await ask(
        nc,
        ws,
        SandboxConversation(channel_id="sandbox", phone="15550001111"),
        SandboxConversationPage,
    )
    assert [(m.direction, m.content.get("text")) for m in page.messages] == [
        ("inbound", "hola"),
        ("outbound", {"body": "Hi!", "preview_url": False}),
    ]
    assert page.messages[1].status == "delivered"
    assert page.next_after is None


async def test_a_workspace_without_a_number_sends_through_its_own_sandbox(
    messaging: Service, nc: NatsClient
) -> None:
    ws = workspace()
    await send(
        nc,
        ws,
        SendMessage(
            command_id="c1:1",
            contact_id=contact_id_for(ws, "15550002222"),
            to="+15550002222",
            message={"kind": "template", "name": "welcome", "language": "en"},
        ),
    )

    async def sent() -> list[MessageSent]:
        return [e for _, e in await events_of(nc, ws) if isinstance(e, MessageSent)]

    assert (await until(sent, timeout=10))[0].channel_id == "sandbox"
    listed = await ask(nc, ws, ListChannels(), ChannelList)
    assert [c.provider for c in listed.channels] == ["sandbox"]


async def test_connecting_a_cloud_api_number_checks_the_fields_and_the_credentials(
    messaging: Service, nc: NatsClient, fake: FakeCloudApi
) -> None:
    ws = workspace()
    bad = await change(
        nc,
        ws,
        "main",
        "connect_cloud_api",
        **connection(fake, phone_number_id="abc", access_token="x"),
    )
    assert not bad.ok
    assert bad.code == "CHANNEL_INVALID"
    assert {p.field for p in bad.problems} == {"phone_number_id", "access_token"}

    wrong = await change(
        nc, ws, "main", "connect_cloud_api", **connection(fake, access_token="EAAG" + "x" * 30)
    )
    assert (wrong.code, [p.field for p in wrong.problems]) == (
        "CREDENTIALS_REJECTED",
        ["access_token"],
    )

    ok = await change(nc, ws, "main", "connect_cloud_api", **connection(fake))
    assert ok.ok
    assert ok.channel is not None
    assert ok.channel.display_phone_number == fake.display_phone_number
    assert ok.channel.tier == "TIER_2K"
    assert ok.channel.quality == "GREEN"
    assert FAKE_TOKEN not in ok.model_dump_json()

    # Encrypted at rest: the stored record holds no secret in the clear.
    kv = await nc.jetstream().key_value(buckets.CHANNELS.bucket)
    stored = (await kv.get(f"{ws}.main")).value or b""
    assert FAKE_TOKEN.encode() not in stored
    assert FAKE_APP_SECRET.encode() not in stored

    again = await change(nc, workspace(), "other", "connect_cloud_api", **connection(fake))
    assert again.code == "NUMBER_IN_USE"
    taken = await change(nc, ws, "main", "create_sandbox")
    assert taken.code == "CHANNEL_EXISTS"

    slower = await change(nc, ws, "main", "update", messages_per_second=20)
    assert slower.ok
    assert slower.channel is not None
    assert slower.channel.messages_per_second == 20
    too_fast = await change(nc, ws, "main", "update", messages_per_second=5000)
    assert [(p.field, p.rule) for p in too_fast.problems] == [
        ("messages_per_second", "Input should be less than or equal to 1000")
    ]
    gone = await change(nc, ws, "main", "disconnect")
    assert gone.ok
    assert gone.channel is not None
    assert gone.channel.status == "disconnected"
    assert (await ask(nc, ws, ListChannels(), ChannelList)).channels == ()


async def test_the_simulator_refuses_a_channel_that_is_not_a_sandbox(
    messaging: Service, nc: NatsClient
) -> None:
    with pytest.raises(QueryFailed) as refused:
        await ask(
            nc,
            workspace(),
            SandboxSend(channel_id="nope", phone="15550003333", text="hi"),
            SandboxSent,
        )
    assert refused.value.code == "404"
    assert "channel_id" in refused.value.description
