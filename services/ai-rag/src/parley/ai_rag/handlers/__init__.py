"""ai-rag handlers: consumers, projections and query endpoints."""
