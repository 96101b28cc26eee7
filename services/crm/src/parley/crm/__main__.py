"""`python -m parley.crm` runs the crm service."""

from parley.crm.app import main

main()
