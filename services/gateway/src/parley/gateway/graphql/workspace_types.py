"""What the GraphQL API returns about the caller (`me`), a workspace's WhatsApp numbers, their
health, and the sandbox simulator. No secret of a number ever comes back: messaging's replies
carry only its public view.

Each type is converted from its pydantic reply in one place, its `of`.
"""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from parley.contracts.messaging import channels as ch
from parley.contracts.messaging import sandbox as sb
from parley.gateway.application import results
from parley.gateway.domain.models import WorkspaceMembership
from parley.gateway.domain.roles import permissions_of
from parley.gateway.graphql.types import ID


@strawberry.type
class User:
    id: ID
    email: str
    name: str
    created_at: datetime


@strawberry.type
class Membership:
    workspace_id: ID
    workspace_name: str
    organization_id: ID
    organization_name: str
    role: str
    permissions: list[str] = strawberry.field(description="what the role grants, sorted")

    @classmethod
    def of(cls, membership: WorkspaceMembership) -> Membership:
        return cls(
            workspace_id=ID(membership.workspace_id),
            workspace_name=membership.workspace_name,
            organization_id=ID(membership.organization_id),
            organization_name=membership.organization_name,
            role=membership.role,
            permissions=sorted(permissions_of(membership.role)),
        )


@strawberry.type
class Me:
    user: User
    memberships: list[Membership]

    @classmethod
    def of(cls, me: results.Me) -> Me:
        user = User(
            id=ID(me.user.id), email=me.user.email, name=me.user.name, created_at=me.user.created_at
        )
        return cls(user=user, memberships=[Membership.of(m) for m in me.memberships])


@strawberry.type
class Channel:
    channel_id: ID
    provider: str = strawberry.field(description="cloud_api or sandbox")
    name: str
    phone_number_id: str
    display_phone_number: str
    verified_name: str
    business_account_id: str
    status: str = strawberry.field(description="active, paused or disconnected")
    paused_code: str
    paused_reason: str
    paused_remedy: str
    messages_per_second: int
    warmup: bool
    tier: str
    quality: str
    connected_at: datetime

    @classmethod
    def of(cls, channel: ch.ChannelView) -> Channel:
        return cls(
            channel_id=ID(channel.channel_id),
            provider=channel.provider,
            name=channel.name,
            phone_number_id=channel.phone_number_id,
            display_phone_number=channel.display_phone_number,
            verified_name=channel.verified_name,
            business_account_id=channel.business_account_id,
            status=channel.status,
            paused_code=channel.paused_code,
            paused_reason=channel.paused_reason,
            paused_remedy=channel.paused_remedy,
            messages_per_second=channel.messages_per_second,
            warmup=channel.warmup,
            tier=channel.tier,
            quality=channel.quality,
            connected_at=channel.connected_at,
        )


@strawberry.type
class HealthReason:
    code: str
    penalty: int
    detail: str


@strawberry.type
class NumberHealth:
    channel_id: ID
    score: int = strawberry.field(description="0 to 100")
    level: str = strawberry.field(description="healthy, watch, slowed or campaigns_paused")
    rate_factor: float
    reasons: list[HealthReason]
    quality: str
    tier: str
    counts: JSON = strawberry.field(description="the last 24 h: sent, delivered, failed, ...")

    @classmethod
    def of(cls, report: ch.NumberHealthReport) -> NumberHealth:
        return cls(
            channel_id=ID(report.channel_id),
            score=report.score,
            level=report.level,
            rate_factor=report.rate_factor,
            reasons=[
                HealthReason(code=r.code, penalty=r.penalty, detail=r.detail)
                for r in report.reasons
            ],
            quality=report.quality,
            tier=report.tier,
            counts=JSON(dict(report.counts)),
        )


@strawberry.type
class SandboxMessage:
    message_id: ID
    direction: str = strawberry.field(description="inbound or outbound")
    phone: str
    content: JSON
    status: str
    at: datetime
    position: int


@strawberry.type
class SandboxConversationPage:
    messages: list[SandboxMessage]
    next_after: int | None = strawberry.field(description="null: nothing more yet")

    @classmethod
    def of(cls, page: sb.SandboxConversationPage) -> SandboxConversationPage:
        messages = [
            SandboxMessage(
                message_id=ID(m.message_id),
                direction=m.direction,
                phone=m.phone,
                content=JSON(m.content),
                status=m.status,
                at=m.at,
                position=m.position,
            )
            for m in page.messages
        ]
        return cls(messages=messages, next_after=page.next_after)


@strawberry.type
class SandboxSent:
    message_id: ID
    contact_id: ID

    @classmethod
    def of(cls, sent: sb.SandboxSent) -> SandboxSent:
        return cls(message_id=ID(sent.message_id), contact_id=ID(sent.contact_id))
