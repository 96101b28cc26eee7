"""The fake OpenAI server itself: shapes the real client accepts, key check, counters, CLI."""

from __future__ import annotations

import asyncio
import sys

import aiohttp
import openai
import pytest

from parley.ai_rag.adapters.answerers import NO_ANSWER
from parley.ai_rag.testing.fake_openai import FakeOpenAi, fake_answer
from parley.runtime.embedded import free_port


async def test_real_client_reads_both_endpoints(fake_openai: FakeOpenAi) -> None:
    client = openai.AsyncOpenAI(
        api_key=fake_openai.api_key, base_url=fake_openai.base_url, max_retries=0
    )
    try:
        # The library's default encoding is base64; the fake answers in kind.
        floats = await client.embeddings.create(
            input=["a b c"], model="m", dimensions=8, encoding_format="float"
        )
        packed = await client.embeddings.create(input=["a b c"], model="m", dimensions=8)
        assert len(floats.data[0].embedding) == 8
        assert packed.data[0].embedding == pytest.approx(floats.data[0].embedding, rel=1e-6)
        chat = await client.chat.completions.create(
            model="gpt-x",
            messages=[
                {
                    "role": "user",
                    "content": "Passages:\n\n[1]\nBread is baked daily. Yes.\n\nQuestion: bread?",
                }
            ],
        )
        assert chat.choices[0].message.content == "Bread is baked daily. [1]"
        assert chat.usage is not None
        assert chat.usage.total_tokens > 0
        assert dict(fake_openai.calls) == {"embeddings": 2, "chat": 1}
    finally:
        await client.close()


async def test_openai_shaped_errors(fake_openai: FakeOpenAi) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{fake_openai.base_url}/chat/completions", json={}) as response:
            assert response.status == 401
            assert (await response.json())["error"]["code"] == "invalid_api_key"
        fake_openai.fail(429, times=2)
        headers = {"Authorization": f"Bearer {fake_openai.api_key}"}
        for _ in range(2):
            async with session.post(
                f"{fake_openai.base_url}/embeddings", json={}, headers=headers
            ) as r:
                assert r.status == 429
        async with session.post(
            f"{fake_openai.base_url}/embeddings", json={"input": "x"}, headers=headers
        ) as r:
            assert r.status == 200


def test_answers_from_the_prompt_passages() -> None:
    prompt = (
        "Passages:\n\n[1] (Hours)\nWe open at 7.\n\n[2] (Cakes)\nCakes take 72 hours. Order ahead."
        "\n\nQuestion: How long do cakes take?"
    )
    assert fake_answer(prompt) == "Cakes take 72 hours. [2]"
    assert fake_answer(prompt.replace("How long do cakes take?", "Capital of Peru?")) == NO_ANSWER


async def test_runs_as_a_module() -> None:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "parley.ai_rag.testing.fake_openai",
        "--port",
        str(port),
        "--api-key",
        "sk-cli",
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        # It prints its address once it listens (imports take a while on a busy machine).
        line = await asyncio.wait_for(process.stdout.readline(), timeout=90)
        assert f"http://127.0.0.1:{port}/v1" in line.decode()
        async with (
            aiohttp.ClientSession() as session,
            session.post(
                f"http://127.0.0.1:{port}/v1/embeddings",
                json={"input": "x", "dimensions": 4},
                headers={"Authorization": "Bearer sk-cli"},
            ) as response,
        ):
            assert response.status == 200
            assert len((await response.json())["data"][0]["embedding"]) == 4
    finally:
        process.terminate()
        await process.wait()
