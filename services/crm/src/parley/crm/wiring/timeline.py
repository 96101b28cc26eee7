"""Wiring of crm's timeline: its projections (one per stream, and the inbound activity) and
its query.

| projection         | stream      | durable                | writes                           |
|--------------------|-------------|------------------------|----------------------------------|
| timeline_crm       | CRM         | crm-timeline-crm       | timeline (origin crm), erasures  |
| timeline_messaging | MESSAGING   | crm-timeline-messaging | timeline (origin messaging)      |
| timeline_flows     | FLOW_ENGINE | crm-timeline-flows     | timeline (origin flow_engine),   |
|                    |             |                        | execution_contacts               |
| contact_activity   | MESSAGING   | crm-contact-activity   | contact_activity                 |
"""

from __future__ import annotations

from parley.contracts.crm.queries import GetContactTimeline
from parley.contracts.schema_export import import_all_contracts
from parley.crm.handlers import contact_activity, timeline_crm, timeline_flows, timeline_messaging
from parley.crm.handlers.timeline_queries import TimelineQueries
from parley.crm.settings import CrmSettings
from parley.runtime.service import Service


def wire(service: Service, config: CrmSettings) -> None:
    del config
    # The projections decode every message of the streams they read, whichever context's
    # module declares its type (a channel event on MESSAGING, a segment event on CRM).
    import_all_contracts()
    service.add_projection(timeline_crm.CrmTimeline(), timeline_crm.CONSUMER)
    service.add_projection(timeline_messaging.MessagingTimeline(), timeline_messaging.CONSUMER)
    service.add_projection(timeline_flows.FlowTimeline(), timeline_flows.CONSUMER)
    service.add_projection(contact_activity.ContactActivity(), contact_activity.CONSUMER)
    queries = TimelineQueries(service.engine, service.schema)
    service.add_query("get-contact-timeline", GetContactTimeline, queries.get_contact_timeline)
