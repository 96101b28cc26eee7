"""The `parley` command: run the stack locally and look inside it."""
