"""A local OpenAI: a real HTTP server speaking the two endpoints ai-rag uses, for openai 3.57.

    async with FakeOpenAi() as fake:
        client = openai.AsyncOpenAI(api_key=fake.api_key, base_url=fake.base_url)

- `POST /v1/embeddings`: deterministic unit vectors of the requested `dimensions` (words hashed
  into signed buckets, so texts sharing words are similar and retrieval is meaningful), in
  `float` or `base64` encoding like the real API;
- `POST /v1/chat/completions`: answers from the numbered passages in the prompt (the format of
  `answerers.user_prompt`): the first sentence of the first passage that shares a word with the
  question, cited as [n]; the no-answer marker when none does. Usage counts words as tokens;
- a wrong or missing bearer key gets OpenAI's 401 `invalid_api_key` error;
- `calls["chat"]` / `calls["embeddings"]` count requests (a replay test asserts zero new calls);
  `fail(429 | 500, times)` makes the next requests fail as the real API does when busy or broken.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import math
import re
import struct
import time
import zlib
from collections import Counter
from types import TracebackType
from typing import Any

from aiohttp import web

from parley.ai_rag.adapters.answerers import NO_ANSWER

DEFAULT_DIMENSIONS = {"text-embedding-3-small": 1536, "text-embedding-3-large": 3072}
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_STOP_TEXT = (
    "the a an and or of to in on at for is are do does did you your we our i my me can what when"
    " how which who where why with it be this that there have has any"
)
_STOP = frozenset(_STOP_TEXT.split())
_PASSAGE = re.compile(r"^\[(\d+)\][^\n]*\n", re.MULTILINE)
_ERRORS = {
    401: ("Incorrect API key provided.", "invalid_request_error", "invalid_api_key"),
    429: ("Rate limit reached for requests.", "requests", "rate_limit_exceeded"),
    500: ("The server had an error while processing your request.", "server_error", None),
    503: ("The engine is currently overloaded.", "server_error", None),
}


def _words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.casefold()) if len(w) > 2 and w not in _STOP]


def fake_vector(text: str, dimensions: int) -> list[float]:
    vector = [0.0] * dimensions
    for word in _words(text) or [text]:
        data = word.encode()
        vector[zlib.crc32(data) % dimensions] += 1.0 if zlib.crc32(data, 7) & 1 else -1.0
    norm = math.sqrt(sum(v * v for v in vector)) or 1.0
    return [v / norm for v in vector]


def fake_answer(prompt: str) -> str:
    """What the fake chat model says for a user prompt in `answerers.user_prompt`'s format."""
    body, _, question = prompt.rpartition("\n\nQuestion:")
    wanted = set(_words(question))
    marks = list(_PASSAGE.finditer(body))
    for n, mark in enumerate(marks):
        end = marks[n + 1].start() if n + 1 < len(marks) else len(body)
        text = body[mark.end() : end].strip()
        if wanted & set(_words(text)):
            first = re.split(r"(?<=[.!?])\s+", text, maxsplit=1)[0]
            return f"{first} [{mark.group(1)}]"
    return NO_ANSWER


class FakeOpenAi:
    def __init__(self, api_key: str = "sk-fake-openai", *, host: str = "127.0.0.1", port: int = 0):
        self.api_key = api_key
        self.host = host
        self.port = port
        self.calls: Counter[str] = Counter()
        self.chat_prompts: list[str] = []
        self._failures: list[int] = []
        self._runner: web.AppRunner | None = None
        self._url = ""

    @property
    def base_url(self) -> str:
        if not self._url:
            raise RuntimeError("the fake OpenAI server is not started")
        return self._url + "/v1"

    def fail(self, status: int, times: int = 1) -> None:
        """The next `times` requests (any endpoint) answer `status` (429, 500 or 503)."""
        self._failures.extend([status] * times)

    async def start(self) -> None:
        app = web.Application(middlewares=[self._gate])
        app.router.add_post("/v1/embeddings", self._embeddings)
        app.router.add_post("/v1/chat/completions", self._chat)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        host, port = self._runner.addresses[0][:2]
        self._url = f"http://{host}:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeOpenAi:
        await self.start()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, err: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    @staticmethod
    def _error(status: int) -> web.Response:
        message, kind, code = _ERRORS.get(status, ("Error.", "server_error", None))
        body = {"error": {"message": message, "type": kind, "param": None, "code": code}}
        return web.json_response(body, status=status)

    @web.middleware
    async def _gate(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if request.headers.get("Authorization", "") != f"Bearer {self.api_key}":
            return self._error(401)
        if self._failures:
            return self._error(self._failures.pop(0))
        response: web.StreamResponse = await handler(request)
        return response

    async def _embeddings(self, request: web.Request) -> web.Response:
        self.calls["embeddings"] += 1
        body = await request.json()
        model = str(body.get("model", ""))
        raw = body.get("input", [])
        inputs = [raw] if isinstance(raw, str) else [str(t) for t in raw]
        size = int(body.get("dimensions") or DEFAULT_DIMENSIONS.get(model, 256))
        data = []
        for n, text in enumerate(inputs):
            vector = fake_vector(text, size)
            encoded: Any = vector
            if body.get("encoding_format") == "base64":
                encoded = base64.b64encode(struct.pack(f"<{size}f", *vector)).decode()
            data.append({"object": "embedding", "index": n, "embedding": encoded})
        tokens = sum(len(t.split()) for t in inputs)
        usage = {"prompt_tokens": tokens, "total_tokens": tokens}
        return web.json_response({"object": "list", "data": data, "model": model, "usage": usage})

    async def _chat(self, request: web.Request) -> web.Response:
        self.calls["chat"] += 1
        body = await request.json()
        messages = body.get("messages", [])
        prompt = next(
            (str(m.get("content", "")) for m in reversed(messages) if m.get("role") == "user"), ""
        )
        self.chat_prompts.append(prompt)
        content = fake_answer(prompt)
        prompt_tokens = sum(len(str(m.get("content", "")).split()) for m in messages)
        completion_tokens = len(content.split())
        return web.json_response(
            {
                "id": f"chatcmpl-fake{self.calls['chat']}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": str(body.get("model", "")),
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content, "refusal": None},
                        "finish_reason": "stop",
                        "logprobs": None,
                    }
                ],
                "usage": {
                    "prompt_tokens": prompt_tokens,
                    "completion_tokens": completion_tokens,
                    "total_tokens": prompt_tokens + completion_tokens,
                },
            }
        )


async def _serve(args: argparse.Namespace) -> None:
    async with FakeOpenAi(args.api_key, host=args.host, port=args.port) as fake:
        print(f"fake OpenAI on {fake.base_url} (key {fake.api_key})", flush=True)
        await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=12112)
    parser.add_argument("--api-key", default="sk-fake-openai")
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args))


if __name__ == "__main__":
    main()
