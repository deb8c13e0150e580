"""Metrics over an organisation graph (DOMAIN.md, "Metrics"): pure functions, one pass each."""
