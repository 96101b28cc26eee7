"""Scraper contracts: lead-capture jobs and the leads they find."""
