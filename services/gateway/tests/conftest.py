"""Fixtures of the gateway tests: the identity layer over a freshly migrated schema of the real
(embedded) PostgreSQL, a clock the test moves, and cheap argon2 parameters; and the running
system (messaging, flow-engine, crm, billing and the gateway) the HTTP tests drive.

A test module opts into more of the system with module attributes, so the others do not wait
for what they never use: WITH_FAKE_STRIPE (billing over a fake Stripe), WITH_AI_RAG (ai-rag,
Qdrant in local mode in a temporary directory, the offline embedder), WITH_SCRAPER (the
scraper, allowed to reach 127.0.0.1 so the local fixture sites can stand in for the web)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from argon2 import PasswordHasher
from sqlalchemy.ext.asyncio import AsyncEngine

import parley.gateway
from parley.billing.app import build as build_billing
from parley.billing.settings import BillingSettings
from parley.billing.testing import FakeStripe
from parley.crm.app import build as build_crm
from parley.crm.settings import CrmSettings
from parley.flow_engine.app import build as build_flow_engine
from parley.flow_engine.settings import FlowEngineSettings
from parley.gateway.app import build as build_gateway
from parley.gateway.application.results import SignupResult
from parley.gateway.application.services import IdentityServices
from parley.gateway.domain.roles import Role
from parley.gateway.settings import GatewaySettings
from parley.messaging.app import build as build_messaging
from parley.messaging.settings import MessagingSettings
from parley.messaging.testing import FakeCloudApi
from parley.messaging.testing.harness import FAKE_APP_SECRET, FAKE_TOKEN, phone_number_id
from parley.runtime.embedded import free_port
from parley.runtime.migrations import migrate
from parley.runtime.service import Service
from parley.runtime.testing.plugin import eventually

MIGRATIONS = Path(parley.gateway.__file__).parent / "migrations"
SECRET_KEY = "test-secret-key-for-the-gateway-identity-layer"
PASSWORD = "correct horse battery staple"
STRIPE_WEBHOOK_SECRET = "whsec_test_0123456789abcdef"
# Billing's catalog in these tests: a generous free plan (see the file).
TEST_PLANS = Path(__file__).with_name("plans.toml")
# argon2's defaults take ~50 ms and 64 MiB per hash: fine for a login, slow for a test suite.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@dataclass
class FakeClock:
    now: datetime = field(default_factory=lambda: datetime(2026, 3, 1, 9, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def schema(engine: AsyncEngine, fresh_schema: str) -> str:
    """A fresh schema at the gateway's newest revision."""
    await migrate(engine, MIGRATIONS, fresh_schema)
    return fresh_schema


@pytest.fixture
def ids(engine: AsyncEngine, schema: str, clock: FakeClock) -> IdentityServices:
    return IdentityServices.build(engine, schema, SECRET_KEY, clock, password_hasher=CHEAP_HASHER)


SignUp = Callable[..., Awaitable[SignupResult]]
Join = Callable[[SignupResult, str, Role], Awaitable[SignupResult]]


@pytest.fixture
def sign_up(ids: IdentityServices, unique: Callable[[str], str]) -> SignUp:
    """`await sign_up("ana")`: a new account `ana_<suffix>@example.com` with its own workspace."""
    counter = iter(range(1_000_000))

    async def make(name: str = "user", **kwargs: str) -> SignupResult:
        email = f"{unique(name)}_{next(counter)}@example.com"
        return await ids.identity.signup(email, PASSWORD, name.title(), **kwargs)

    return make


@pytest.fixture
def join(ids: IdentityServices, sign_up: SignUp) -> Join:
    """`await join(owner, "bob", "editor")`: a new account, invited into the owner's first
    workspace with that role and accepted."""

    async def make(owner: SignupResult, name: str, role: Role) -> SignupResult:
        member = await sign_up(name)
        created = await ids.invitations.create(
            owner.user.id, owner.workspace.id, member.user.email, role
        )
        await ids.invitations.accept(member.user.id, created.token)
        return member

    return make


# -- the running system: messaging, flow-engine, crm, billing and the gateway, real, here -------


@dataclass
class System:
    api_url: str
    fake: FakeCloudApi
    gateway: Service
    billing: Service
    stripe: FakeStripe | None = None  # a module with WITH_FAKE_STRIPE = True gets one
    ai_rag: Service | None = None  # WITH_AI_RAG = True
    scraper: Service | None = None  # WITH_SCRAPER = True


@dataclass
class Account:
    """A signed-up user over the public API, and their first workspace."""

    email: str
    user_id: str
    workspace_id: str
    token: str
    refresh_token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def path(self, rest: str = "", workspace_id: str | None = None) -> str:
        return f"/api/v1/workspaces/{workspace_id or self.workspace_id}{rest}"


async def _running(service: Service) -> Service:
    asyncio.get_running_loop().create_task(service.run(), name=f"service {service.name}")
    await eventually(lambda: service.phase == "running", timeout=30)
    return service


async def _stopped(service: Service) -> None:
    service.stop()
    await eventually(lambda: service.phase == "stopped", timeout=15)


def billing_settings(urls: dict[str, str], **stripe: object) -> BillingSettings:
    """Billing over the test catalog; without Stripe unless `stripe` gives its settings
    (`stripe_api_key`, `stripe_api_base`, `stripe_webhook_secret`, `stripe_prices`)."""
    return BillingSettings.model_validate(
        {**urls, "health_port": free_port(), "plan_catalog": str(TEST_PLANS), **stripe}
    )


def ai_rag_service(urls: dict[str, str], qdrant_path: Path) -> Service:
    # Imported only by the modules that ask for it: its dependencies (Qdrant) load slowly.
    from parley.ai_rag.app import build as build_ai_rag
    from parley.ai_rag.settings import AiRagSettings

    settings = AiRagSettings.model_validate(
        {**urls, "health_port": free_port(), "qdrant_path": str(qdrant_path)}
    )
    return build_ai_rag(settings)


def scraper_service(urls: dict[str, str]) -> Service:
    from parley.scraper.app import build as build_scraper
    from parley.scraper.settings import ScraperSettings

    settings = ScraperSettings.model_validate(
        {
            **urls,
            "health_port": free_port(),
            # The fixture sites are on 127.0.0.1, which production refuses.
            "outbound_allow_private": True,
            "scrape_min_delay": 0,
        }
    )
    return build_scraper(settings)


@pytest.fixture(scope="module")
async def system(
    nats_url: str,
    database_url: str,
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[System]:
    port = free_port()
    stripe_fake: FakeStripe | None = None
    stripe: dict[str, object] = {}
    if getattr(request.module, "WITH_FAKE_STRIPE", False):
        # Stripe's webhooks go to the gateway's own route, as in production.
        stripe_fake = FakeStripe(
            webhook_url=f"http://127.0.0.1:{port}/webhooks/stripe",
            webhook_secret=STRIPE_WEBHOOK_SECRET,
        )
        await stripe_fake.start()
        stripe = {
            "plan_catalog": str(getattr(request.module, "PLAN_CATALOG", TEST_PLANS)),
            "stripe_api_key": stripe_fake.api_key,
            "stripe_api_base": stripe_fake.base_url,
            "stripe_webhook_secret": STRIPE_WEBHOOK_SECRET,
        }
    number = phone_number_id()
    fake = FakeCloudApi(
        access_token=FAKE_TOKEN,
        app_secret=FAKE_APP_SECRET,
        default_phone_number_id=number,
        display_phone_number="1555" + number[-7:],
        messages_per_second=None,
        pair_burst=None,
    )
    await fake.__aenter__()
    urls = {"nats_url": nats_url, "database_url": database_url}
    messaging = MessagingSettings.model_validate(
        {**urls, "health_port": free_port(), "whatsapp_api_base_url": fake.base_url}
    )
    engine = FlowEngineSettings.model_validate({**urls, "health_port": free_port()})
    crm = CrmSettings.model_validate({**urls, "health_port": free_port()})
    billing = await _running(build_billing(billing_settings(urls, **stripe)))
    services = [
        await _running(build_messaging(messaging)),
        await _running(build_flow_engine(engine)),
        await _running(build_crm(crm)),
        billing,
    ]
    ai_rag = scraper = None
    if getattr(request.module, "WITH_AI_RAG", False):
        ai_rag = await _running(ai_rag_service(urls, tmp_path_factory.mktemp("qdrant")))
        services.append(ai_rag)
    if getattr(request.module, "WITH_SCRAPER", False):
        scraper = await _running(scraper_service(urls))
        services.append(scraper)
    gateway_settings = GatewaySettings.model_validate(
        {
            **urls,
            "health_port": free_port(),
            "http_port": port,
            "stripe_webhook_secret": STRIPE_WEBHOOK_SECRET,
            # Tests (and the fuzzer) come from one address; test_service_down covers the limit.
            "rate_limit_per_ip": 1_000_000,
        }
    )
    gateway = await _running(build_gateway(gateway_settings))
    try:
        yield System(
            api_url=f"http://127.0.0.1:{port}",
            fake=fake,
            gateway=gateway,
            billing=billing,
            stripe=stripe_fake,
            ai_rag=ai_rag,
            scraper=scraper,
        )
    finally:
        for service in (gateway, *reversed(services)):
            await _stopped(service)
        await fake.__aexit__(None, None, None)
        if stripe_fake is not None:
            await stripe_fake.stop()


@pytest.fixture
async def api(system: System) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=system.api_url, timeout=15) as client:
        yield client


NewAccount = Callable[[str], Awaitable[Account]]


@pytest.fixture
def account(api: httpx.AsyncClient, unique: Callable[[str], str]) -> NewAccount:
    """`await account("ana")`: a new user signed up over the API, with their workspace."""
    counter = iter(range(1_000_000))

    async def make(name: str = "user") -> Account:
        email = f"{unique(name)}_{next(counter)}@example.com"
        answer = await api.post(
            "/api/v1/auth/signup", json={"email": email, "password": PASSWORD, "name": name}
        )
        assert answer.status_code == 201, answer.text
        body = answer.json()
        return Account(
            email=email,
            user_id=body["user"]["id"],
            workspace_id=body["workspace"]["id"],
            token=body["tokens"]["access_token"],
            refresh_token=body["tokens"]["refresh_token"],
        )

    return make
