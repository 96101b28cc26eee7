"""Per node type: which fields must be filled before publishing, which hold `{{ }}` text, and
which variables a node assigns."""

from __future__ import annotations

from parley.contracts.flows.messages import (
    ButtonsContent,
    ListContent,
    MediaContent,
    TemplateContent,
    TextContent,
)
from parley.contracts.flows.nodes import (
    AiAnswerNode,
    ConditionNode,
    DelayNode,
    HttpRequestNode,
    JumpNode,
    Node,
    SendMessageNode,
    SetVariableNode,
    UpdateContactNode,
    WaitForReplyNode,
)

Missing = list[tuple[str, str]]


def missing_fields(node: Node) -> Missing:
    if isinstance(node, SendMessageNode):
        return _missing_message(node)
    required: list[tuple[bool, str, str]] = []
    if isinstance(node, ConditionNode):
        required = [(bool(node.expression), "expression", "the condition to test")]
    elif isinstance(node, SetVariableNode):
        required = [
            (bool(node.variable), "variable", "the variable to set"),
            (bool(node.expression), "expression", "the value to give it"),
        ]
    elif isinstance(node, WaitForReplyNode):
        needs_options = node.validation.kind == "option"
        required = [
            (
                not needs_options or bool(node.validation.options),
                "validation.options",
                "the options a reply must match",
            ),
        ]
    elif isinstance(node, DelayNode):
        required = [
            (
                node.seconds is not None or node.until_time_of_day is not None,
                "seconds",
                "a duration, or a time of day in until_time_of_day",
            ),
        ]
    elif isinstance(node, AiAnswerNode):
        required = [(bool(node.question), "question", "the question to answer")]
    elif isinstance(node, HttpRequestNode):
        required = [(bool(node.url), "url", "the URL to call")]
    elif isinstance(node, JumpNode):
        required = [
            (
                bool(node.target_node) != bool(node.target_flow),
                "target_node",
                "exactly one of target_node or target_flow",
            ),
        ]
    elif isinstance(node, UpdateContactNode):
        required = [
            (
                bool(node.add_tags or node.remove_tags or node.set_fields),
                "add_tags",
                "at least one tag or field to change",
            ),
        ]
    return [(field, f"required: {what}") for present, field, what in required if not present]


def _missing_message(node: SendMessageNode) -> Missing:
    message = node.message
    checks: list[tuple[bool, str, str]] = []
    if isinstance(message, TextContent):
        checks = [(bool(message.body), "message.body", "the text to send")]
    elif isinstance(message, MediaContent):
        checks = [(bool(message.url), "message.url", "the URL of the file to send")]
    elif isinstance(message, ButtonsContent):
        checks = [
            (bool(message.body), "message.body", "the text above the buttons"),
            (bool(message.buttons), "message.buttons", "at least one button"),
        ]
    elif isinstance(message, ListContent):
        checks = [
            (bool(message.body), "message.body", "the text above the list"),
            (bool(message.button), "message.button", "the label of the list button"),
            (any(s.rows for s in message.sections), "message.sections", "at least one row"),
        ]
    elif isinstance(message, TemplateContent):
        checks = [(bool(message.name), "message.name", "the approved template's name")]
    return [(field, f"required: {what}") for present, field, what in checks if not present]


def text_fields(node: Node) -> list[tuple[str, str]]:
    """Fields whose text is interpolated with `{{ }}` when the node runs."""
    if isinstance(node, SendMessageNode):
        message = node.message
        if isinstance(message, TextContent | ButtonsContent | ListContent):
            return [("message.body", message.body)]
        if isinstance(message, MediaContent):
            return [("message.caption", message.caption), ("message.url", message.url)]
        return [(f"message.body_parameters[{i}]", p) for i, p in enumerate(message.body_parameters)]
    if isinstance(node, WaitForReplyNode):
        return [("validation.reprompt", node.validation.reprompt)]
    if isinstance(node, AiAnswerNode):
        return [("question", node.question)]
    if isinstance(node, HttpRequestNode):
        return [
            ("url", node.url),
            ("body", node.body),
            *((f"headers.{k}", v) for k, v in node.headers.items()),
        ]
    if isinstance(node, UpdateContactNode):
        return [(f"set_fields.{k}", v) for k, v in node.set_fields.items()]
    return []


def assigned_names(node: Node) -> tuple[str, ...]:
    if isinstance(node, SetVariableNode):
        return (node.variable,) if node.variable else ()
    if isinstance(node, WaitForReplyNode | AiAnswerNode):
        return (node.save_to,) if node.save_to else ()
    if isinstance(node, HttpRequestNode):
        return tuple(node.response_mapping)
    return ()
