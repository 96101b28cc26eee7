"""The gateway's pure identity rules: roles and permissions, passwords, tokens. No I/O."""
