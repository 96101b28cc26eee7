"""Answerers: a question and its retrieved passages -> an answer that cites them, or none.

`Answer(text="")` means the passages do not answer the question (the AI node's no-answer port).
The chat answerer is told to use only the numbered passages and to cite them as [1], [2]; a
citation of a passage that was not given is dropped, so what the answer cites always exists.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import openai
from openai.types.chat import ChatCompletionMessageParam

from parley.ai_rag.adapters.openai_errors import describe, is_retryable
from parley.ai_rag.domain.extractive import extract_answer
from parley.ai_rag.settings import AiRagSettings
from parley.contracts.ai.knowledge import Passage

NO_ANSWER = "NO_ANSWER"  # what the model says when the passages do not answer the question
_CITATION = re.compile(r"\[(\d{1,3})\]")

SYSTEM_PROMPT = f"""You answer customers' questions for a business, on WhatsApp.
Use ONLY the numbered passages in the user's message: no other knowledge, no guesses.
Cite the passages you used with their numbers in square brackets, such as [1] or [2][3].
Answer briefly (at most three sentences), in the language of the question.
If the passages do not contain the answer, reply with exactly {NO_ANSWER} and nothing else."""


@dataclass(frozen=True)
class Answer:
    text: str  # "" = the passages do not answer it
    cited: tuple[int, ...]  # 1-based positions in the passages given
    model: str
    prompt_tokens: int = 0
    completion_tokens: int = 0


class AnswererUnavailable(Exception):
    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


class Answerer(Protocol):
    model: str

    async def answer(self, question: str, passages: Sequence[Passage]) -> Answer: ...


class ExtractiveAnswerer:
    """Offline: the best-ranked passage's most relevant sentences, citing that passage."""

    model = "extractive"

    async def answer(self, question: str, passages: Sequence[Passage]) -> Answer:
        if not passages:
            return Answer(text="", cited=(), model=self.model)
        text = extract_answer(question, passages[0])
        return Answer(text=text, cited=(1,) if text else (), model=self.model)


def format_passages(passages: Sequence[Passage]) -> str:
    """[n] (title — heading) then the text: what the model reads and the fake server parses."""
    blocks = []
    for n, passage in enumerate(passages, start=1):
        source = " — ".join(part for part in (passage.title, passage.heading) if part)
        blocks.append(f"[{n}] ({source})\n{passage.text}" if source else f"[{n}]\n{passage.text}")
    return "\n\n".join(blocks)


def user_prompt(question: str, passages: Sequence[Passage]) -> str:
    return f"Passages:\n\n{format_passages(passages)}\n\nQuestion: {question.strip()}"


def parse_citations(text: str, count: int) -> tuple[int, ...]:
    seen: list[int] = []
    for match in _CITATION.finditer(text):
        n = int(match.group(1))
        if 1 <= n <= count and n not in seen:
            seen.append(n)
    return tuple(seen)


class ChatAnswerer:
    def __init__(
        self,
        api_key: str,
        base_url: str = "",
        model: str = "gpt-4o-mini",
        *,
        timeout: float = 30.0,
        max_retries: int = 1,
        max_tokens: int = 400,
    ) -> None:
        self.model = model
        self._max_tokens = max_tokens
        self._client = openai.AsyncOpenAI(
            api_key=api_key, base_url=base_url or None, timeout=timeout, max_retries=max_retries
        )

    async def answer(self, question: str, passages: Sequence[Passage]) -> Answer:
        if not passages:  # nothing to answer from: no call, no cost
            return Answer(text="", cited=(), model=self.model)
        messages: list[ChatCompletionMessageParam] = [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": user_prompt(question, passages)},
        ]
        try:
            response = await self._client.chat.completions.create(
                model=self.model, messages=messages, temperature=0, max_tokens=self._max_tokens
            )
        except openai.OpenAIError as err:
            raise AnswererUnavailable(
                f"the chat model {self.model} failed: {describe(err)}", retryable=is_retryable(err)
            ) from err
        usage = response.usage
        prompt_tokens = usage.prompt_tokens if usage else 0
        completion_tokens = usage.completion_tokens if usage else 0
        content = (response.choices[0].message.content or "").strip() if response.choices else ""
        cited: tuple[int, ...] = ()
        if not content or content.strip(" .\"'`") == NO_ANSWER or content.startswith(NO_ANSWER):
            text = ""
        else:
            text, cited = content, parse_citations(content, len(passages))
        return Answer(
            text=text,
            cited=cited,
            model=response.model or self.model,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
        )

    async def aclose(self) -> None:
        await self._client.close()


def build_answerer(settings: AiRagSettings) -> Answerer:
    if settings.answerer == "openai":
        return ChatAnswerer(
            settings.openai_api_key.get_secret_value(),
            settings.openai_base_url,
            settings.openai_chat_model,
            timeout=settings.openai_timeout_seconds,
        )
    return ExtractiveAnswerer()
