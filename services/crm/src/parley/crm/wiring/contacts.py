"""Wiring of crm's contacts, consent and settings: consumers, the read model and queries."""

from __future__ import annotations

from parley.contracts.crm.queries import (
    ChangeConsentKeywords,
    ChangeContact,
    ChangeField,
    ExportContactData,
    GetConsentKeywords,
    GetContact,
    ListFields,
)
from parley.crm.handlers import (
    consent_keywords,
    contact_read_model,
    flow_updates,
    inbound_contacts,
    scraped_leads,
)
from parley.crm.handlers.consent_keywords import ConsentKeywordsMirror
from parley.crm.handlers.contact_commands import ContactCommands
from parley.crm.handlers.contact_queries import ContactQueries
from parley.crm.handlers.contact_read_model import ContactReadModel
from parley.crm.handlers.flow_updates import FlowUpdates
from parley.crm.handlers.inbound_contacts import InboundContacts
from parley.crm.handlers.scraped_leads import ScrapedLeads
from parley.crm.handlers.settings_queries import SettingsQueries
from parley.crm.settings import CrmSettings
from parley.runtime.service import Service


def wire(service: Service, config: CrmSettings) -> None:
    nc = service.nc
    # Read model: contacts, custom fields, consent keywords, erasures (crm.evt.>).
    service.add_projection(ContactReadModel(), contact_read_model.CONSUMER)

    commands = ContactCommands(nc, default_region=config.default_region)
    service.add_query("change-contact", ChangeContact, commands.answer)
    reads = ContactQueries(nc, service.engine, service.schema)
    service.add_query("get-contact", GetContact, reads.get_contact)
    service.add_query("export-contact-data", ExportContactData, reads.export)

    settings = SettingsQueries(nc)
    service.add_query("change-field", ChangeField, settings.change_field)
    service.add_query("list-fields", ListFields, settings.list_fields)
    service.add_query("get-consent-keywords", GetConsentKeywords, settings.get_keywords)
    service.add_query("change-consent-keywords", ChangeConsentKeywords, settings.change_keywords)

    # Consumers: who writes in (MESSAGING), scraped leads (SCRAPER), flows' UpdateContact
    # commands (crm.cmd.>), and the KV mirror of STOP words that messaging reads.
    service.add_consumer(inbound_contacts.CONSUMER, InboundContacts(nc).handle)
    service.add_consumer(scraped_leads.CONSUMER, ScrapedLeads(nc).handle)
    service.add_consumer(flow_updates.CONSUMER, FlowUpdates(nc).handle)
    service.add_consumer(consent_keywords.CONSUMER, ConsentKeywordsMirror(nc).handle)
