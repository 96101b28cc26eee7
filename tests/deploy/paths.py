"""Where the deployment artifacts are, and the service roster they must agree with."""

from __future__ import annotations

from pathlib import Path

from parley.runtime.cli.roster import SERVICES, module_of

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
DOCKERFILE = DEPLOY / "docker" / "Dockerfile"
COMPOSE = DEPLOY / "compose" / "docker-compose.yml"
NGINX = DEPLOY / "nginx"
PROMETHEUS = DEPLOY / "prometheus"
DASHBOARDS = DEPLOY / "grafana" / "dashboards"
K8S = DEPLOY / "k8s"

# The health port of each service: its settings class's default (HEALTH_PORT).
HEALTH_PORTS = {
    "gateway": 9101,
    "flow-engine": 9102,
    "messaging": 9103,
    "crm": 9104,
    "billing": 9105,
    "ai-rag": 9106,
    "scraper": 9107,
}

__all__ = ["SERVICES", "module_of"]
