"""A campaign's message: its shape checks, the contact fields it needs, and the message one
recipient gets, with `{{contact.*}}` placeholders filled from what crm knows of them.

The scope is the one an execution's templates see (`contact.name`, `contact.phone`,
`contact.language`, `contact.fields.<key>`), so a parameter reads the same in both places.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from parley.contracts.campaigns.queries import CampaignProblem
from parley.contracts.crm.segment_queries import SegmentMember
from parley.contracts.flows.messages import TemplateContent
from parley.flow_engine.domain.templates import Placeholder, TemplateError, lookup, parse, render

_LANGUAGE = re.compile(r"^[a-z]{2,3}(_[A-Z]{2,4})?$")  # Meta's codes: en, en_US, pt_BR, zh_CN


def template_of(raw: Mapping[str, Any]) -> TemplateContent:
    return TemplateContent.model_validate(dict(raw))


def template_problems(raw: Mapping[str, Any] | None) -> list[CampaignProblem]:
    def invalid(field: str, message: str) -> CampaignProblem:
        return CampaignProblem(
            code="TEMPLATE_INVALID", message=message, blocking=True, field=f"template.{field}"
        )

    if raw is None:
        return [invalid("", "a template campaign needs a template")]
    if raw.get("kind", "template") != "template":
        return [invalid("kind", "must be template: only templates reach contacts who never wrote")]
    try:
        content = template_of(raw)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return [invalid(where, first["msg"])]
    problems: list[CampaignProblem] = []
    if not content.name.strip():
        problems.append(invalid("name", "give the approved template's name"))
    if not _LANGUAGE.match(content.language):
        problems.append(invalid("language", f"{content.language!r} is not a code like en_US"))
    for n, parameter in enumerate(content.body_parameters):
        try:
            parts = parse(parameter)
        except TemplateError as err:
            problems.append(invalid(f"body_parameters.{n}", str(err)))
            continue
        for part in parts:
            if isinstance(part, Placeholder) and part.path.split(".")[0] != "contact":
                problems.append(
                    invalid(
                        f"body_parameters.{n}",
                        f"{{{{{part.path}}}}}: a campaign can only fill contact.* placeholders",
                    )
                )
    for n, parameter in enumerate(content.body_parameters):
        if not parameter.strip():
            problems.append(invalid(f"body_parameters.{n}", "a parameter must not be empty"))
    return problems


def _placeholders(text: str) -> list[Placeholder]:
    return [p for p in parse(text) if isinstance(p, Placeholder)]


def required_paths(raw: Mapping[str, Any]) -> tuple[str, ...]:
    """The contact paths a recipient must have a value for: placeholders without a default."""
    content = template_of(raw)
    paths: list[str] = []
    for parameter in content.body_parameters:
        for part in _placeholders(parameter):
            if not part.default and part.path not in paths:
                paths.append(part.path)
    return tuple(paths)


def contact_scope(member: SegmentMember) -> dict[str, Any]:
    return {
        "contact": {
            "id": member.contact_id,
            "name": member.name,
            "phone": member.phone,
            "language": member.language,
            "fields": dict(member.fields),
        }
    }


def lacks(member: SegmentMember, paths: Sequence[str]) -> bool:
    scope = contact_scope(member)
    return any(lookup(scope, path) in (None, "") for path in paths)


def message_for(raw: Mapping[str, Any], scope: Mapping[str, Any]) -> dict[str, Any]:
    """The SendMessage content for one recipient; `scope` is `contact_scope` of them."""
    content = template_of(raw)
    parameters = tuple(render(p, scope) for p in content.body_parameters)
    return content.model_copy(update={"body_parameters": parameters}).model_dump(mode="json")
