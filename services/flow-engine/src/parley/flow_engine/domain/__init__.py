"""The flow-engine domain: pure rules for flows and executions, no I/O."""
