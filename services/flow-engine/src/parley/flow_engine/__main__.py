"""`python -m parley.flow_engine` runs the flow-engine service."""

from parley.flow_engine.app import main

main()
