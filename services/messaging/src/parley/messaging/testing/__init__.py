"""Test doubles of the platforms messaging talks to, served over real HTTP."""

from parley.messaging.testing.fake_cloud_api import FakeCloudApi, SentMessage
from parley.messaging.testing.webhooks import Delivery, StatusEvent, WebhookEmitter, sign

__all__ = ["Delivery", "FakeCloudApi", "SentMessage", "StatusEvent", "WebhookEmitter", "sign"]
