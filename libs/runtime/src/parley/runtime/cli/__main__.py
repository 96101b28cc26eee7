"""`python -m parley.runtime.cli`, the same as the `parley` console script."""

from parley.runtime.cli.main import app

app(prog_name="parley")
