"""Retrieval benchmark: recall@5 and MRR of each available embedder on the labelled corpus, with
search latency and the raw nats-py request/reply round trip measured in the same run.

    .venv/bin/python bench/rag.py [--fake-openai] [--repeat N]

For each embedder (offline always; OpenAI when OPENAI_API_KEY is set, with OPENAI_BASE_URL and
OPENAI_EMBEDDING_MODEL honoured; or the local fake OpenAI server with --fake-openai) it builds
a temporary local-mode Qdrant index over testing/corpus/, then asks the labelled questions:
- recall@5: the share of questions whose expected passage (document, and heading where the
  document has headings) is among the first five results;
- MRR: the mean of 1/rank of that passage (0 when it is not in the first five);
- relevance (the 0..1 score the no-answer threshold compares with): the lowest best-score of an
  answerable question and the highest of an off-topic one;
- search latency (embed the question + hybrid query), in-process.
Baseline: a raw nats-py request/reply round trip to an echo responder on an embedded
nats-server; a question an AI node asks travels one such round trip to ai-rag plus its search.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import nats
from nats.aio.msg import Msg

from parley.ai_rag.adapters.embedders import Embedder, OfflineEmbedder, OpenAiEmbedder
from parley.ai_rag.adapters.passage_index import PassageIndex
from parley.ai_rag.testing.fake_openai import FakeOpenAi
from parley.ai_rag.testing.labelled import Corpus, index_corpus, load_corpus
from parley.runtime.embedded import EmbeddedNats

K = 5


@dataclass(frozen=True)
class Figures:
    recall: float
    mrr: float
    lowest_answerable: float
    highest_off_topic: float
    chunks: int
    index_seconds: float
    search_ms: float


async def evaluate(embedder: Embedder, corpus: Corpus, directory: Path, repeat: int) -> Figures:
    index = await PassageIndex.open(embedder, path=str(directory))
    try:
        workspace = index.for_workspace("ws-bench")
        start = time.perf_counter()
        chunks = await index_corpus(workspace, corpus)
        index_seconds = time.perf_counter() - start
        hits, reciprocal, best = 0, 0.0, []
        for labelled in corpus.questions:
            passages = await workspace.search(labelled.question, limit=K)
            best.append(max((p.score for p in passages), default=0.0))
            for rank, passage in enumerate(passages, start=1):
                if passage.document_id == labelled.document_id and (
                    not labelled.heading or passage.heading == labelled.heading
                ):
                    hits += 1
                    reciprocal += 1 / rank
                    break
        off = [
            max((p.score for p in await workspace.search(q, limit=K)), default=0.0)
            for q in corpus.off_topic
        ]
        questions = [q.question for q in corpus.questions] * repeat
        start = time.perf_counter()
        for question in questions:
            await workspace.search(question, limit=K)
        search_ms = (time.perf_counter() - start) / len(questions) * 1000
        n = len(corpus.questions)
        return Figures(
            hits / n, reciprocal / n, min(best), max(off), chunks, index_seconds, search_ms
        )
    finally:
        await index.aclose()


async def nats_round_trip_ms(count: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        server = EmbeddedNats(store_dir=Path(tmp) / "nats")
        server.start()
        try:
            nc = await nats.connect(server.url)

            async def echo(msg: Msg) -> None:
                await msg.respond(msg.data)

            await nc.subscribe("bench.echo", cb=echo)
            await nc.flush()
            times = []
            for _ in range(count):
                start = time.perf_counter()
                await nc.request("bench.echo", b"how much is a sourdough loaf?", timeout=5)
                times.append(time.perf_counter() - start)
            await nc.close()
            return statistics.mean(times) * 1000
        finally:
            server.stop()


async def main(fake_openai: bool, repeat: int) -> None:
    corpus = load_corpus()
    embedders: list[tuple[str, Embedder]] = [("offline", OfflineEmbedder())]
    fake: FakeOpenAi | None = None
    if fake_openai:
        fake = FakeOpenAi()
        await fake.start()
        embedders.append(
            ("fake openai", OpenAiEmbedder(fake.api_key, fake.base_url, dimensions=256))
        )
    elif os.environ.get("OPENAI_API_KEY"):
        model = os.environ.get("OPENAI_EMBEDDING_MODEL", "text-embedding-3-small")
        embedders.append(
            (
                "openai",
                OpenAiEmbedder(
                    os.environ["OPENAI_API_KEY"], os.environ.get("OPENAI_BASE_URL", ""), model
                ),
            )
        )
    print(
        f"corpus: {len(corpus.documents)} documents, {len(corpus.questions)} labelled questions,"
        f" {len(corpus.off_topic)} off-topic; recall@{K} and MRR@{K}"
    )
    try:
        for label, embedder in embedders:
            with tempfile.TemporaryDirectory() as tmp:
                f = await evaluate(embedder, corpus, Path(tmp), repeat)
            print(f"  {label:12} {embedder.name}")
            print(f"    recall@{K} {f.recall:6.3f}   MRR {f.mrr:6.3f}")
            print(
                f"    relevance: lowest answerable {f.lowest_answerable:.3f},"
                f" highest off-topic {f.highest_off_topic:.3f}"
            )
            print(
                f"    indexed {f.chunks} chunks in {f.index_seconds * 1000:.0f} ms;"
                f" search {f.search_ms:.2f} ms/question"
            )
            await embedder.aclose()
    finally:
        if fake is not None:
            await fake.stop()
    raw = await nats_round_trip_ms(2000)
    print(f"  raw nats-py request/reply round trip: {raw:.3f} ms (baseline)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--fake-openai",
        action="store_true",
        help="also run OpenAI's embedder against the local fake server",
    )
    parser.add_argument(
        "--repeat", type=int, default=4, help="passes over the questions for the latency figure"
    )
    args = parser.parse_args()
    asyncio.run(main(args.fake_openai, args.repeat))
