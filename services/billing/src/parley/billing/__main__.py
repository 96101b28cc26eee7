"""`python -m parley.billing` runs the billing service."""

from parley.billing.app import main

main()
