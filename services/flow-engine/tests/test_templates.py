from __future__ import annotations

import pytest

from parley.flow_engine.domain.templates import TemplateError, referenced_names, render

SCOPE = {"contact": {"name": "Ada", "fields": {"city": ""}}, "vars": {"n": 3, "ok": True}}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hi {{contact.name}}!", "Hi Ada!"),
        ("Hi {{ contact.name }}", "Hi Ada"),
        ('City: {{contact.fields.city | "unknown"}}', "City: unknown"),
        ("City: {{contact.fields.city | somewhere}}", "City: somewhere"),
        ("{{vars.missing}}|", "|"),
        ("{{vars.n}} items, ok={{vars.ok}}", "3 items, ok=yes"),
        ("no placeholders", "no placeholders"),
    ],
)
def test_render(text: str, expected: str) -> None:
    assert render(text, SCOPE) == expected


@pytest.mark.parametrize(
    ("text", "position", "reason"),
    [
        ("Hi {{contact.name", 3, "never closed"),
        ("Hi contact.name}}", 15, "without a matching"),
        ("{{}}", 0, "empty placeholder"),
        ("ab {{order.id}}", 3, "must start with contact., vars. or reply."),
        ("{{contact..name}}", 0, "is not a name"),
    ],
)
def test_errors_name_the_position_and_the_rule(text: str, position: int, reason: str) -> None:
    with pytest.raises(TemplateError) as caught:
        render(text, SCOPE)
    assert caught.value.position == position
    assert reason in caught.value.reason


def test_referenced_names() -> None:
    names = referenced_names("{{contact.name}} {{vars.a|x}} {{vars.a}}")
    assert names == frozenset({"contact.name", "vars.a"})
