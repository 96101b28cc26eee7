"""Test doubles of the platforms the scraper talks to, served over real HTTP on 127.0.0.1:
`fake_places` (Google Places API (New) Text Search), `fake_graph` (Instagram business discovery
on the Graph API) and `fixture_site` (a small business website with robots.txt). Each runs
standalone with `python -m parley.scraper.testing.<module>`.

Nothing is imported here, so `python -m` does not import a module twice.
"""
