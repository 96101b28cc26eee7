"""Wiring of crm's segments and filtered reads: the segment aggregate's change query, the
segments read model, and the reads of contacts and segments (list-contacts, preview-segment,
segment-members, list-segments, get-segment)."""

from __future__ import annotations

from parley.contracts.crm.queries import ListContacts
from parley.contracts.crm.segment_queries import (
    ChangeSegment,
    GetSegment,
    ListSegments,
    PreviewSegment,
    SegmentMembers,
)
from parley.crm.handlers import segment_read_model
from parley.crm.handlers.contact_listing import ContactListing
from parley.crm.handlers.segment_commands import SegmentCommands
from parley.crm.handlers.segment_read_model import SegmentReadModel
from parley.crm.settings import CrmSettings
from parley.runtime.service import Service


def wire(service: Service, config: CrmSettings) -> None:
    del config  # nothing here is configurable yet
    commands = SegmentCommands(service.nc, service.engine, service.schema)
    service.add_query("change-segment", ChangeSegment, commands.answer)
    service.add_projection(SegmentReadModel(), segment_read_model.CONSUMER)
    reads = ContactListing(service.engine, service.schema)
    service.add_query("list-contacts", ListContacts, reads.list_contacts)
    service.add_query("preview-segment", PreviewSegment, reads.preview_segment)
    service.add_query("segment-members", SegmentMembers, reads.segment_members)
    service.add_query("list-segments", ListSegments, reads.list_segments)
    service.add_query("get-segment", GetSegment, reads.get_segment)
