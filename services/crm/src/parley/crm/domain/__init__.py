"""Pure crm domain: no I/O."""
