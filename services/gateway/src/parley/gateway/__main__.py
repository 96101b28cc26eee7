"""`python -m parley.gateway` runs the gateway service."""

from parley.gateway.app import main

main()
