"""`python -m parley.messaging` runs the messaging service."""

from parley.messaging.app import main

main()
