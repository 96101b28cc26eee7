"""The plan catalog: the packaged one loads, a broken one is refused naming the field and the
rule, and entitlements say which plan lifts each limit."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from parley.billing.domain.catalog import CatalogInvalid, load_catalog

PACKAGED = load_catalog()


def test_the_packaged_catalog_ranks_four_plans() -> None:
    assert [p.id for p in PACKAGED.plans] == ["free", "starter", "pro", "agency"]
    agency = PACKAGED.plan("agency")
    assert agency is not None
    assert agency.pooled == {"messages_sent", "ai_answers", "leads_scraped"}
    assert agency.limits["published_flows"] is None  # -1 in the file: unlimited
    assert PACKAGED.by_price("price_pro_monthly") == PACKAGED.plan("pro")


def test_entitlements_name_the_plan_that_lifts_each_limit() -> None:
    free = PACKAGED.default
    entitlements = PACKAGED.entitlements(
        free,
        organization_id="org1",
        anchor=datetime(2026, 12, 1, tzinfo=UTC),
        status="active",
        grace_until=None,
        changed_at=datetime(2026, 12, 1, tzinfo=UTC),
    )
    assert entitlements.limit("messages_sent") == 1000
    assert entitlements.upgrade_to == "starter"
    assert entitlements.lifted_by["workspaces"] == "Pro"  # Starter has one workspace too
    assert entitlements.lifted_by["branding_removal"] == "Pro"
    agency = PACKAGED.plan("agency")
    assert agency is not None
    assert PACKAGED.lifted_by(agency) == {}  # the top plan: nothing above it


def test_prices_can_be_replaced_per_installation() -> None:
    local = PACKAGED.with_prices({"starter": "price_local_1"})
    assert local.by_price("price_local_1") == local.plan("starter")
    assert local.by_price("price_starter_monthly") is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            "messages_sent = 1000\nmessages_sent_typo = 5",
            "unknown metric(s) ['messages_sent_typo']",
        ),
        ("messages_sent = -5", "must be >= 0, or -1 for unlimited"),
        ('messages_sent = "lots"', "messages_sent"),
    ],
)
def test_a_broken_catalog_is_refused_naming_the_field(
    tmp_path: Path, change: str, message: str
) -> None:
    text = Path(PACKAGED_PATH).read_text().replace("messages_sent = 1000", change, 1)
    broken = tmp_path / "plans.toml"
    broken.write_text(text)
    with pytest.raises(CatalogInvalid) as refused:
        load_catalog(broken)
    assert message in str(refused.value)


def test_an_unreadable_catalog_says_where(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(CatalogInvalid) as refused:
        load_catalog(missing)
    assert str(missing) in str(refused.value)


PACKAGED_PATH = Path(__file__).resolve().parents[1] / "src/parley/billing/plans.toml"
