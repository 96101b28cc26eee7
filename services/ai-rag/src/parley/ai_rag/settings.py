"""Settings of the ai-rag service."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import NoDecode

from parley.runtime.settings import Port, ServiceSettings


class AiRagSettings(ServiceSettings):
    # Each service has its own default health port, so all seven run side by side on one host.
    health_port: Port = 9106

    # Qdrant: a server when QDRANT_URL is set, else local mode in QDRANT_PATH (one process only).
    qdrant_url: str = ""
    qdrant_path: str = ".data/qdrant"
    qdrant_api_key: SecretStr = SecretStr("")

    # Embeddings: the offline default needs no key and no download. "openai" works with any
    # OpenAI-compatible server through OPENAI_BASE_URL.
    embedder: Literal["offline", "openai"] = "offline"
    openai_api_key: SecretStr = SecretStr("")
    openai_base_url: str = ""  # "" = the library's default (api.openai.com)
    openai_embedding_model: str = "text-embedding-3-small"
    openai_embedding_dimensions: int | None = Field(default=None, ge=1, le=8192)

    # Answers: a chat model when a key is configured, else the best passage, extracted.
    answerer: Literal["extractive", "openai"] = "extractive"
    openai_chat_model: str = "gpt-4o-mini"
    openai_timeout_seconds: float = Field(default=30.0, gt=0)

    # Below this relevance (0..1: lexical coverage or dense cosine, see domain/relevance.py)
    # an AI node takes its no-answer port. On testing/corpus the offline embedder's answerable
    # questions score >= 0.33 and off-topic ones <= 0.25 (bench/rag.py prints both).
    relevance_threshold: float = Field(default=0.3, ge=0.0, le=1.0)

    # Knowledge-base URLs may reach private addresses only when allowed (self-hosted intranets).
    outbound_allow_private: bool = False
    outbound_allowed_hosts: Annotated[frozenset[str], NoDecode] = frozenset()  # comma separated

    @field_validator("outbound_allowed_hosts", mode="before")
    @classmethod
    def _hosts(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(p.strip().lower() for p in value.split(",") if p.strip())
        return value

    @model_validator(mode="before")
    @classmethod
    def _answerer_default(cls, data: Any) -> Any:
        # An explicit ANSWERER wins; otherwise a configured OpenAI key means chat answers.
        if isinstance(data, dict) and not data.get("answerer") and data.get("openai_api_key"):
            return {**data, "answerer": "openai"}
        return data

    @model_validator(mode="after")
    def _openai_needs_key(self) -> AiRagSettings:
        if (
            "openai" in (self.embedder, self.answerer)
            and not self.openai_api_key.get_secret_value()
        ):
            raise ValueError("EMBEDDER=openai or ANSWERER=openai needs OPENAI_API_KEY")
        return self

    # service
    # The largest document indexed (an upload, inline text, a fetched page), in bytes.
    max_document_bytes: int = Field(default=20_000_000, ge=1_000)
    # How many passages a question retrieves (and an answer may cite).
    search_limit: int = Field(default=5, ge=1, le=20)
    # Knowledge bases indexed side by side (one knowledge base's documents stay in order).
    indexing_lanes: int = Field(default=4, ge=1, le=32)
    # Questions answered side by side (each waits mostly on the embedder and the chat model).
    answering_concurrency: int = Field(default=8, ge=1, le=64)
