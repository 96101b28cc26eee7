"""The passage index, opened once the service starts (nothing connects at import or build time).

Qdrant's local mode (the default, `QDRANT_PATH`) takes a file lock on its directory: exactly one
process may open it, so run one ai-rag replica on local mode, and a Qdrant server
(`QDRANT_URL`) for more.
"""

from __future__ import annotations

from parley.ai_rag.adapters.embedders import Embedder
from parley.ai_rag.adapters.passage_index import PassageIndex, WorkspaceIndex
from parley.ai_rag.settings import AiRagSettings


class IndexRef:
    def __init__(self, settings: AiRagSettings, embedder: Embedder) -> None:
        self._settings = settings
        self.embedder = embedder
        self._index: PassageIndex | None = None

    async def open(self) -> None:
        config = self._settings
        self._index = await PassageIndex.open(
            self.embedder,
            url=config.qdrant_url,
            path="" if config.qdrant_url else config.qdrant_path,
            api_key=config.qdrant_api_key.get_secret_value(),
        )

    async def close(self) -> None:
        if self._index is not None:
            await self._index.aclose()
            self._index = None
        await self.embedder.aclose()

    def workspace(self, workspace_id: str) -> WorkspaceIndex:
        if self._index is None:
            raise RuntimeError("the passage index is not open yet")
        return self._index.for_workspace(workspace_id)
