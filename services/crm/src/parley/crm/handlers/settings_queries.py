"""Answers the workspace's crm settings queries: custom fields and consent keywords.

Both live in the settings aggregate; reads come from its log too, so a field just defined is
there for the very next change-contact (which checks values against it).
"""

from __future__ import annotations

from datetime import UTC, datetime

from nats.aio.client import Client as NatsClient

from parley.contracts.crm import stop_words
from parley.contracts.crm.queries import (
    ChangeConsentKeywords,
    ChangeField,
    ConsentKeywordsView,
    FieldChangeResult,
    FieldList,
    GetConsentKeywords,
    ListFields,
)
from parley.contracts.ids import new_id
from parley.crm.adapters.aggregates import settings_subject
from parley.crm.adapters.settings_store import SettingsStore
from parley.crm.domain.crm_settings import (
    ChangeKeywords,
    CrmSettings,
    DefineField,
    RemoveField,
    SettingsCommand,
    SettingsRefused,
)


class SettingsQueries:
    def __init__(self, nc: NatsClient) -> None:
        self._settings = SettingsStore(nc)

    async def change_field(self, workspace_id: str, request: ChangeField) -> FieldChangeResult:
        at = datetime.now(UTC)
        command: SettingsCommand
        if request.action == "define":
            command = DefineField(
                key=request.key,
                label=request.label,
                type=request.type,
                choices=request.choices,
                at=at,
            )
        else:
            command = RemoveField(key=request.key, at=at)
        try:
            decided = await self._run(workspace_id, command)
        except SettingsRefused as refused:
            return FieldChangeResult(
                ok=False, code=refused.code, message=str(refused), problems=refused.problems
            )
        return FieldChangeResult(ok=True, field=decided.fields.get(request.key))

    async def list_fields(self, workspace_id: str, request: ListFields) -> FieldList:
        del request
        settings = await self._settings.load(workspace_id)
        return FieldList(fields=tuple(sorted(settings.fields.values(), key=lambda f: f.key)))

    async def get_keywords(
        self, workspace_id: str, request: GetConsentKeywords
    ) -> ConsentKeywordsView:
        del request
        return keywords_view(await self._settings.load(workspace_id))

    async def change_keywords(
        self, workspace_id: str, request: ChangeConsentKeywords
    ) -> ConsentKeywordsView:
        command = ChangeKeywords(
            languages=request.languages,
            extra_keywords=request.extra_keywords,
            at=datetime.now(UTC),
        )
        try:
            settings = await self._run(workspace_id, command)
        except SettingsRefused as refused:
            current = keywords_view(await self._settings.load(workspace_id))
            return current.model_copy(
                update={
                    "ok": False,
                    "code": refused.code,
                    "message": str(refused),
                    "problems": refused.problems,
                }
            )
        return keywords_view(settings)

    async def _run(self, workspace_id: str, command: SettingsCommand) -> CrmSettings:
        decided = await self._settings.aggregates.run(
            workspace_id, settings_subject(workspace_id), command, key=str(new_id())
        )
        return decided.state


def keywords_view(settings: CrmSettings) -> ConsentKeywordsView:
    return ConsentKeywordsView(
        languages=settings.languages,
        extra_keywords=settings.extra_keywords,
        stop_keywords=tuple(sorted(settings.keywords.words())),
        supported_languages=stop_words.SUPPORTED_LANGUAGES,
    )
