"""Session-wide test settings: the header says which Bolt server the Neo4j tests use; the
command line speaks English in tests (tests/test_i18n.py checks the Chinese default)."""

from __future__ import annotations

import os

import pytest

from tests.bolt_server import SERVER_ENV

# The CLI reads the language as gettext does: LANGUAGE first (orgmodel.i18n.language_from_env).
# Tests assert on English messages ("error: …"), so pin the language for CliRunner runs and
# for every subprocess (the library itself speaks English whatever the environment says).
os.environ["LANGUAGE"] = "en"


def pytest_report_header(config: pytest.Config) -> str:
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        return "neo4j store tests: no Bolt server (NEO4J_URI unset): they are skipped"
    what = os.environ.get(SERVER_ENV) or "set by the caller"
    return f"neo4j store tests: {uri} ({what})"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print what tests recorded as ``record_property("timing", text)`` (the browser speed
    test's first-chart time): measured, shown, never asserted; shown under xdist too."""
    lines = [
        f"{rep.nodeid}: {value}"
        for rep in terminalreporter.stats.get("passed", [])
        for key, value in getattr(rep, "user_properties", [])
        if key == "timing"
    ]
    if lines:
        terminalreporter.write_sep("-", "timings (measured, not asserted)")
        for line in lines:
            terminalreporter.write_line(line)
