"""The HTTP API: FastAPI app, dependencies, problem details, routes."""
