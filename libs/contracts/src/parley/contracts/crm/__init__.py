"""CRM contracts: contacts, their tags and fields."""
