"""docker-compose.yml against the Compose Specification's JSON schema (the copy check-jsonschema
vendors), and against the system it runs: every service with its own image target, the 3-node
JetStream cluster with fsync on every write, two engines and two senders, Prometheus scraping
every service's health port."""

from __future__ import annotations

import copy
import functools
import json
import re
from importlib import resources
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest
import yaml

from .paths import COMPOSE, DEPLOY, HEALTH_PORTS, PROMETHEUS, SERVICES


@functools.cache
def compose_validator() -> Any:
    vendored = resources.files("check_jsonschema") / "builtin_schemas" / "vendor"
    schema = json.loads((vendored / "compose-spec.json").read_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def compose() -> dict[str, Any]:
    # PyYAML resolves the `<<: *anchor` merge keys, as Compose does.
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return loaded


def test_the_file_follows_the_compose_specification() -> None:
    compose_validator().validate(compose())


def test_the_schema_check_would_catch_a_mistake() -> None:
    broken = copy.deepcopy(compose())
    broken["services"]["gateway"]["replica"] = 2  # not a service property
    with pytest.raises(jsonschema.ValidationError):
        compose_validator().validate(broken)


def test_every_service_runs_its_own_image_target_in_external_mode() -> None:
    services = compose()["services"]
    for name in SERVICES:
        service = services[name]
        assert service["build"]["target"] == name
        assert service["build"]["dockerfile"] == "deploy/docker/Dockerfile"
        env = service["environment"]
        assert env["NATS_URL"].count("nats://") == 3
        assert env["DATABASE_URL"].startswith("postgresql://")
        assert env["STREAM_REPLICAS"] == "3"
        assert "${SECRET_KEY" in env["SECRET_KEY"]  # from .env, never a literal
    assert services["ai-rag"]["environment"]["QDRANT_URL"] == "http://qdrant:6333"
    assert services["flow-engine"]["deploy"]["replicas"] == 2
    assert services["messaging"]["deploy"]["replicas"] == 2


def test_nats_is_a_three_node_jetstream_cluster_that_fsyncs_every_write() -> None:
    services = compose()["services"]
    nodes = [n for n in services if n.startswith("nats-")]
    assert nodes == ["nats-1", "nats-2", "nats-3"]
    for node in nodes:
        assert re.match(r"^nats:2\.15\.\d+", services[node]["image"])
    config = (DEPLOY / "compose" / "nats" / "nats.conf").read_text()
    assert re.search(r"^\s*sync_interval:\s*always\s*$", config, re.MULTILINE)
    routes = set(re.findall(r"nats://(nats-\d):6222", config))
    assert routes == set(nodes)


def test_prometheus_scrapes_every_service_on_its_health_port() -> None:
    config = yaml.safe_load((PROMETHEUS / "prometheus.yml").read_text())
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    for name in SERVICES:
        [sd] = jobs[name]["dns_sd_configs"]
        assert sd["names"] == [name]
        assert sd["port"] == HEALTH_PORTS[name]
        assert jobs[name]["metrics_path"] == "/metrics"
    assert config["rule_files"] == ["/etc/prometheus/alerts.yml"]


def test_grafana_loads_the_dashboards_from_the_prometheus_data_source() -> None:
    provisioning = DEPLOY / "grafana" / "provisioning"
    [source] = yaml.safe_load((provisioning / "datasources" / "prometheus.yml").read_text())[
        "datasources"
    ]
    for dashboard in (DEPLOY / "grafana" / "dashboards").glob("*.json"):
        for panel in json.loads(dashboard.read_text())["panels"]:
            assert panel["datasource"]["uid"] == source["uid"], (dashboard.name, panel["title"])
