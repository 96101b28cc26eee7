"""Wiring of crm's imports: start-import, the runner's consumer, the read model and its queries.

The contact writer (ContactWriter) is the runner's only way to contacts. The custom fields come
from the workspace's crm-settings aggregate, read from the log (a field defined a moment ago is
there; the fields read model may lag behind a big import's events), when an import starts and
again when its runner (re)starts.
"""

from __future__ import annotations

from parley.contracts.crm.fields import FieldDefinition
from parley.contracts.crm.imports import GetImport, ListImportErrors, ListImports, StartImport
from parley.contracts.streams import CRM
from parley.crm.adapters.contact_writer import ContactRefused, ContactWriter
from parley.crm.adapters.import_file import ImportFiles, open_bucket
from parley.crm.adapters.settings_store import SettingsStore
from parley.crm.handlers import import_read_model, import_runner
from parley.crm.handlers.import_read_model import ImportQueries, ImportReadModel
from parley.crm.handlers.import_requests import ImportRequests
from parley.crm.handlers.import_runner import ImportRunner
from parley.crm.settings import CrmSettings
from parley.runtime.eventstore import EventStore
from parley.runtime.service import Service


def wire(service: Service, config: CrmSettings) -> None:
    nc = service.nc
    store = EventStore(nc, CRM.name)
    files = ImportFiles(nc)
    settings = SettingsStore(nc)

    async def fields_of(workspace_id: str) -> dict[str, FieldDefinition]:
        return dict((await settings.load(workspace_id)).fields)

    async def bucket(_: Service) -> None:
        await open_bucket(nc)  # uploads land in it before any import starts

    service.on_start.append(bucket)

    # Read model: imports and their row errors (crm.evt.>, import events only).
    service.add_projection(ImportReadModel(), import_read_model.CONSUMER)
    requests = ImportRequests(nc, store, files, fields_of, default_region=config.default_region)
    service.add_query("start-import", StartImport, requests.start)
    reads = ImportQueries(service.engine, service.schema)
    service.add_query("get-import", GetImport, reads.get)
    service.add_query("list-imports", ListImports, reads.list)
    service.add_query("list-import-errors", ListImportErrors, reads.errors)

    # RunImport commands (crm.cmd.>, durable, in-progress acks): rows through the contact writer.
    runner = ImportRunner(store, files, ContactWriter(nc), fields_of, refused=ContactRefused)
    service.add_consumer(import_runner.CONSUMER, runner.handle)

    async def stop_runs_first(service: Service) -> None:
        # Registered after the consumer's start, so its stop runs before the consumer's (which
        # waits for the handlers): a running import checkpoints and is handed back at once.
        async def stop() -> None:
            runner.stop()

        service.on_stop.append(stop)

    service.on_start.append(stop_runs_first)
