"""Which OpenAI failures are worth another attempt, shared by the embedder and the answerer."""

from __future__ import annotations

import openai

# Busy, overloaded, briefly broken or unreachable: the same request may succeed later. A bad key,
# a missing model or a refused request would fail the same way again.
RETRYABLE = (
    openai.RateLimitError,
    openai.InternalServerError,
    openai.APITimeoutError,
    openai.APIConnectionError,
)


def describe(err: openai.OpenAIError) -> str:
    if isinstance(err, openai.APIStatusError):
        return f"HTTP {err.status_code}: {err.message}"
    return str(err) or type(err).__name__


def is_retryable(err: openai.OpenAIError) -> bool:
    if isinstance(err, RETRYABLE):
        return True
    return isinstance(err, openai.APIStatusError) and err.status_code in (408, 409, 425)
