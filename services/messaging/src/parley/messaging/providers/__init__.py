"""Providers: how a message physically leaves through one kind of channel.

Each provider turns a send into one of four results. The pipeline decides what they mean
(retry, fail, pause the number); providers never decide. Instagram Direct and Messenger fit the
same interface when they come: a channel kind, a body builder and a `send`.
"""
