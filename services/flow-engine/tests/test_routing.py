"""Routing through the running engine (real NATS and Postgres): messaging's inbound messages
start flows or reach the waiting execution, statuses land in the log, and the effects reach
messaging, crm and ai-rag as commands."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext

from parley.contracts.ai.commands import AnswerQuestion
from parley.contracts.ai.events import QuestionAnswered
from parley.contracts.crm.commands import UpdateContact
from parley.contracts.envelope import Envelope
from parley.contracts.executions.events import MessageStatusRecorded
from parley.contracts.executions.inputs import ReleaseHandover
from parley.contracts.flows.graph import FlowGraph
from parley.contracts.messaging.commands import SendMessage
from parley.contracts.messaging.events import InboundMessageReceived, MessageDelivered
from parley.contracts.streams import FLOW_ENGINE
from parley.flow_engine.handlers.execution_inputs import input_subject
from parley.flow_engine.testing.graphs import edge, graph, node, text
from parley.flow_engine.testing.routing import (
    bodies,
    collect,
    has,
    publish_flow,
    start,
    until_taken,
)
from parley.runtime.eventstore import EventStore
from parley.runtime.service import Service
from parley.runtime.testing.plugin import eventually


class Contact:
    """A contact writing to the workspace, as messaging reports it."""

    def __init__(self, js: JetStreamContext, ws: str, contact_id: str = "c-1") -> None:
        self.js, self.ws, self.contact_id = js, ws, contact_id
        self.written = 0

    async def says(self, text: str, *, button_id: str = "", message_id: str = "") -> str:
        self.written += 1
        message_id = message_id or f"wamid.{uuid.uuid4().hex}"
        inbound = InboundMessageReceived(
            message_id=message_id,
            channel_id="ch-1",
            contact_id=self.contact_id,
            phone="34600000001",
            profile_name="Ada",
            message_type="button" if button_id else "text",
            text=text,
            button_id=button_id,
            first_message=self.written == 1,
            at=datetime.now(UTC),
        )
        envelope = Envelope.wrap(inbound, workspace_id=self.ws)
        await self.js.publish(f"messaging.evt.{self.ws}.{self.contact_id}", envelope.to_bytes())
        return message_id


def ask_name() -> FlowGraph:
    return graph(
        [
            text("hello", "Hi {{contact.name}}! You wrote {{reply.text}}. Your city?"),
            node("city", "wait_for_reply", save_to="city"),
            text("thanks", "{{vars.city}} is lovely"),
            node("end", "end"),
        ],
        [edge("hello", "city"), edge("city", "thanks", "reply"), edge("thanks", "end")],
        variables=[{"name": "city"}],
        triggers=[{"kind": "keyword", "match": "equals", "keywords": ["hola"]}],
    )


async def test_a_keyword_starts_the_flow_and_the_reply_goes_to_the_waiting_execution(
    flow_engine: Service, nc: NatsClient
) -> None:
    js = nc.jetstream()
    ws = f"ws-{uuid.uuid4().hex[:8]}"
    sent = await collect(js, f"messaging.cmd.{ws}.>")
    await publish_flow(nc, ws, "ask-name", ask_name())
    ada = Contact(js, ws)

    await until_taken(lambda: ada.says("¡HOLA!"), has(sent, 1))
    assert bodies(sent) == ["Hi Ada! You wrote ¡HOLA!. Your city?"]
    # "hola" again is a reply now, not a trigger: the execution is waiting on this contact.
    await ada.says("hola")
    await eventually(has(sent, 2))
    assert bodies(sent)[1] == "hola is lovely"
    # The run is over, so the keyword starts a new one.
    message_id = await ada.says("hola")
    await eventually(has(sent, 3))
    assert bodies(sent)[2].startswith("Hi Ada!")
    # messaging redelivering the same message starts nothing twice.
    await ada.says("hola", message_id=message_id)
    await ada.says("Madrid")
    await eventually(has(sent, 4))
    assert bodies(sent)[3] == "Madrid is lovely"
    assert len({m.command_id for m in sent if isinstance(m, SendMessage)}) == 4


async def test_a_message_nobody_waits_for_and_no_trigger_matches_starts_nothing(
    flow_engine: Service, nc: NatsClient
) -> None:
    js = nc.jetstream()
    ws = f"ws-{uuid.uuid4().hex[:8]}"
    sent = await collect(js, f"messaging.cmd.{ws}.>")
    await publish_flow(nc, ws, "ask-name", ask_name())
    catch_all = graph(
        [text("fallback", "Type hola to start")],
        [],
        triggers=[{"kind": "any_inbound", "priority": -10}],
    )
    await publish_flow(nc, ws, "fallback", catch_all)
    ada = Contact(js, ws)
    await until_taken(lambda: ada.says("what?"), has(sent, 1))
    assert bodies(sent)[0] == "Type hola to start"


async def test_statuses_of_a_flow_message_are_recorded_in_its_execution(
    flow_engine: Service, nc: NatsClient
) -> None:
    js = nc.jetstream()
    ws = f"ws-{uuid.uuid4().hex[:8]}"
    sent = await collect(js, f"messaging.cmd.{ws}.>")
    execution_id = f"e-{uuid.uuid4().hex[:8]}"
    await start(js, ws, execution_id, graph([text("hi", "Hi")], []))
    await eventually(has(sent, 1))
    command = sent[0]
    assert isinstance(command, SendMessage)
    for _ in range(2):  # a duplicate status is recorded once
        delivered = MessageDelivered(
            command_id=command.command_id,
            contact_id="c-1",
            provider_message_id="wamid.X",
            execution_id=execution_id,
            at=datetime.now(UTC),
        )
        await js.publish(
            f"messaging.evt.{ws}.{command.command_id.replace(':', '_')}",
            Envelope.wrap(delivered, workspace_id=ws).to_bytes(),
        )

    async def recorded() -> list[MessageStatusRecorded]:
        loaded = await EventStore(nc, FLOW_ENGINE.name).load(f"exec.evt.{ws}.{execution_id}")
        return [e.message for e in loaded if isinstance(e.message, MessageStatusRecorded)]

    async def once() -> bool:
        return len(await recorded()) == 1

    await eventually(once)
    [status] = await recorded()
    assert (status.status, status.provider_message_id) == ("delivered", "wamid.X")


async def test_handover_keeps_automation_away_until_released_and_effects_reach_crm_and_ai(
    flow_engine: Service, nc: NatsClient
) -> None:
    js = nc.jetstream()
    ws = f"ws-{uuid.uuid4().hex[:8]}"
    sent = await collect(js, f"messaging.cmd.{ws}.>")
    crm = await collect(js, f"crm.cmd.{ws}.>")
    ai = await collect(js, f"ai.cmd.{ws}.>")
    flow = graph(
        [
            node("tag", "update_contact", add_tags=["vip"], set_fields={"city": "{{reply.text}}"}),
            node("human", "handover", note="talk to sales"),
            node("ai", "ai_answer", question="What about {{reply.text}}?", save_to="answer"),
            text("answer", "{{vars.answer}}"),
        ],
        [edge("tag", "human"), edge("human", "ai", "released"), edge("ai", "answer", "answered")],
        variables=[{"name": "answer"}],
        triggers=[{"kind": "any_inbound"}],
    )
    await publish_flow(nc, ws, "sales", flow)
    ada = Contact(js, ws)
    await until_taken(lambda: ada.says("Lisbon"), has(crm, 1))
    update = crm[0]
    assert isinstance(update, UpdateContact)
    assert (update.contact_id, update.add_tags, update.set_fields) == (
        "c-1",
        ("vip",),
        {"city": "Lisbon"},
    )
    execution_id = update.execution_id
    assert execution_id is not None

    async def handed_over() -> bool:
        holder = await flow_engine_holds(flow_engine).holder(ws, "c-1")
        return holder is not None and holder.kind == "handover"

    await eventually(handed_over)
    await ada.says("any news?")  # a person has the conversation: no flow starts, nothing sent
    release = Envelope.wrap(ReleaseHandover(by="agent-1", at=datetime.now(UTC)), workspace_id=ws)
    await js.publish(input_subject(ws, execution_id), release.to_bytes())
    await eventually(has(ai, 1))
    question = ai[0]
    assert isinstance(question, AnswerQuestion)
    assert question.question == "What about Lisbon?"
    assert len(crm) == 1  # "any news?" started no second run
    answered = QuestionAnswered(
        request_id=question.request_id,
        execution_id=execution_id,
        answer="Lisbon ships in 2 days.",
        at=datetime.now(UTC),
    )
    await js.publish(
        f"ai.evt.{ws}.{question.request_id}", Envelope.wrap(answered, workspace_id=ws).to_bytes()
    )
    await eventually(has(sent, 1))
    assert bodies(sent) == ["Lisbon ships in 2 days."]


def flow_engine_holds(service: Service) -> Any:
    from parley.flow_engine.adapters.contact_index import ContactIndex

    return ContactIndex(service.nc)


async def test_an_http_node_calling_loopback_is_refused_and_takes_its_error_port(
    flow_engine: Service, nc: NatsClient
) -> None:
    js = nc.jetstream()
    ws = f"ws-{uuid.uuid4().hex[:8]}"
    sent = await collect(js, f"messaging.cmd.{ws}.>")
    flow = graph(
        [
            node("call", "http_request", url="http://127.0.0.1:9/admin"),
            text("ok", "called"),
            text("err", "refused: {{vars.x}}"),
        ],
        [edge("call", "ok", "success"), edge("call", "err", "error")],
        variables=[{"name": "x", "default": "yes"}],
    )
    await start(js, ws, f"e-{uuid.uuid4().hex[:8]}", flow)
    await eventually(has(sent, 1))
    assert bodies(sent) == ["refused: yes"]


async def test_a_jump_starts_the_latest_version_of_the_target_flow(
    flow_engine: Service, nc: NatsClient
) -> None:
    js = nc.jetstream()
    ws = f"ws-{uuid.uuid4().hex[:8]}"
    sent = await collect(js, f"messaging.cmd.{ws}.>")
    await publish_flow(nc, ws, "target", graph([text("t", "Welcome to {{contact.name}}'s")], []))
    jumping = graph(
        [text("a", "Moving you"), node("go", "jump", target_flow="target")], [edge("a", "go")]
    )

    # The target must be in the read model before the jump can find it.
    await until_taken(
        lambda: start(js, ws, f"e-{uuid.uuid4().hex[:8]}", jumping),
        lambda: "Welcome to Ada's" in bodies(sent),
    )
    assert "Welcome to Ada's" in bodies(sent)
