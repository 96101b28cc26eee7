"""The service kit's runner: one `Service` per process, started by `run_service`."""

from parley.runtime.service.core import Service, StartHook, StopHook
from parley.runtime.service.entry import run_service

__all__ = ["Service", "StartHook", "StopHook", "run_service"]
