"""`python -m parley.scraper` runs the scraper service."""

from parley.scraper.app import main

main()
