"""ai-rag adapters: Qdrant, embedders, answerers, the read model, the document bucket."""
