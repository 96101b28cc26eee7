"""The images' HEALTHCHECK: GET /healthz on the service's own health port (HEALTH_PORT).

The slim base has no curl; the venv's Python is there anyway. Exit 0 when alive, 1 otherwise.
"""

import os
import sys
import urllib.request

PORT = os.environ.get("HEALTH_PORT", "9100")

try:
    with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=3) as answer:
        sys.exit(0 if answer.status == 200 else 1)
except OSError:
    sys.exit(1)
