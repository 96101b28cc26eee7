"""Answerers: the extractive default and the chat answerer over the fake OpenAI server."""

from __future__ import annotations

import pytest

from parley.ai_rag.adapters.answerers import (
    NO_ANSWER,
    AnswererUnavailable,
    ChatAnswerer,
    ExtractiveAnswerer,
    parse_citations,
)
from parley.ai_rag.domain.extractive import extract_answer
from parley.ai_rag.testing.fake_openai import FakeOpenAi
from parley.contracts.ai.knowledge import Passage

HOURS = Passage(
    document_id="doc-hours",
    heading="Opening hours",
    text=(
        "We are a family bakery. We open at 7:00 on weekdays. On Sunday we open from 8:00 to 13:00."
    ),
    score=0.9,
)
DELIVERY = Passage(
    document_id="doc-delivery", text="Delivery costs 3.50 EUR within 5 km.", score=0.5
)


def test_extract_answer_picks_the_matching_sentences() -> None:
    assert extract_answer("Are you open on Sundays?", HOURS).startswith("We open at 7:00")
    assert "On Sunday we open from 8:00 to 13:00." in extract_answer(
        "Are you open on Sundays?", HOURS
    )
    assert "family" not in extract_answer("Are you open on Sundays?", HOURS)
    assert extract_answer("zzz", HOURS) == "We are a family bakery."  # no overlap: the opening


async def test_extractive_answerer_cites_the_best_passage() -> None:
    answer = await ExtractiveAnswerer().answer("how much is delivery?", [DELIVERY, HOURS])
    assert (answer.text, answer.cited, answer.model) == (DELIVERY.text, (1,), "extractive")
    assert (await ExtractiveAnswerer().answer("anything", [])).text == ""


async def test_chat_answerer_cites_passages_that_exist(fake_openai: FakeOpenAi) -> None:
    answerer = ChatAnswerer(fake_openai.api_key, fake_openai.base_url, "gpt-test", max_retries=0)
    try:
        answer = await answerer.answer("How much does delivery cost?", [HOURS, DELIVERY])
        assert answer.text == "Delivery costs 3.50 EUR within 5 km. [2]"
        assert answer.cited == (2,)
        assert answer.model == "gpt-test"
        assert answer.prompt_tokens > 20
        assert answer.completion_tokens == 8
        prompt = fake_openai.chat_prompts[-1]
        assert "[1] (Opening hours)" in prompt
        assert prompt.endswith("Question: How much does delivery cost?")
        assert fake_openai.calls["chat"] == 1
    finally:
        await answerer.aclose()


async def test_chat_no_answer_marker_is_empty_text(fake_openai: FakeOpenAi) -> None:
    answerer = ChatAnswerer(fake_openai.api_key, fake_openai.base_url, max_retries=0)
    try:
        answer = await answerer.answer("Capital of Australia?", [HOURS])
        assert (answer.text, answer.cited) == ("", ())
        assert (await answerer.answer("anything", [])).text == ""  # no passages: no call
        assert fake_openai.calls["chat"] == 1
    finally:
        await answerer.aclose()


@pytest.mark.parametrize(("status", "retryable"), [(429, True), (500, True)])
async def test_chat_busy_or_broken_is_retryable(
    fake_openai: FakeOpenAi, status: int, retryable: bool
) -> None:
    answerer = ChatAnswerer(fake_openai.api_key, fake_openai.base_url, max_retries=0)
    try:
        fake_openai.fail(status)
        with pytest.raises(AnswererUnavailable, match=str(status)) as err:
            await answerer.answer("delivery?", [DELIVERY])
        assert err.value.retryable is retryable
        assert (await answerer.answer("delivery?", [DELIVERY])).cited == (1,)  # then it works
    finally:
        await answerer.aclose()


async def test_chat_wrong_key_is_not_retryable(fake_openai: FakeOpenAi) -> None:
    answerer = ChatAnswerer("sk-wrong", fake_openai.base_url, max_retries=0)
    try:
        with pytest.raises(AnswererUnavailable, match="401") as err:
            await answerer.answer("delivery?", [DELIVERY])
        assert not err.value.retryable
    finally:
        await answerer.aclose()


def test_citations_outside_the_passages_are_dropped() -> None:
    assert parse_citations("See [2] and [1][2], not [7] or [0].", 3) == (2, 1)
    assert NO_ANSWER == "NO_ANSWER"
