"""Tests of orgmodel.metrics (a package, so test module names may repeat elsewhere)."""
