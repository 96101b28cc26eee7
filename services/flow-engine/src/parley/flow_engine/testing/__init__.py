"""Test support for the flow engine: terse builders of flow graphs."""
