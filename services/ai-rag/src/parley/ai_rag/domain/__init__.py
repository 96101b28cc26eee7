"""Pure ai-rag domain: no I/O."""
