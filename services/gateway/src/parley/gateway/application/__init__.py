"""The gateway's use cases, below HTTP: identity (accounts, sessions, members, invitations, API
keys) and the requests it relays to the other services."""
