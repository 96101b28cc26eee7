"""`python -m parley.ai_rag` runs the ai-rag service."""

from parley.ai_rag.app import main

main()
