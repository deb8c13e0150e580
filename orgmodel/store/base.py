"""The graph store interface: organisations, their versions, scenarios and the audit log.

A planner keeps an organisation over months: every save is a new immutable *version*
(1, 2, 3, …) with its author and message; a *scenario* records a restructuring plan, the
version it was applied to and the organisation that resulted; every write leaves an *audit*
entry (who, when, what). Analysts read all of it in Cypher through :meth:`GraphStore.query`,
which the engine itself runs read-only.

Two implementations share this interface: :class:`~orgmodel.store.ladybug_store.LadybugStore`
(embedded, the default) and :class:`~orgmodel.store.neo4j_store.Neo4jStore` (a server).
:func:`orgmodel.store.open_store` picks one from a URI.

Guarantees every implementation keeps:

- a save is all there, or (on any failure) nothing of it is, and the previous version stays
  loadable and unchanged — across a kill -9 too. A save writes the version's units, edges
  and version node (marked incomplete), then marks it complete and moves the organisation's
  ``latest`` pointer to it: in one transaction where the engine's commit is atomic, else
  (LadybugDB's bulk COPY) in a second one once the first has committed. Readers see
  complete versions only. When the store opens, :meth:`GraphStore.recover` removes what a
  killed save left behind (incomplete versions, and versions whose units or edges do not
  add up to what was saved) and points each organisation at its last complete version;
- several scenarios can be saved together (:meth:`GraphStore.save_scenarios`, a group
  commit), each answered on its own;
- saves to one organisation are serialised; with ``expected_version`` a save whose base is
  no longer the latest version is refused with :class:`VersionConflict`;
- values travel as query parameters, never spliced into Cypher text;
- :meth:`GraphStore.query` cannot write: write clauses and procedures are refused by the
  engine (a read-only transaction / READ access mode), with :class:`ReadOnlyQueryError`.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from orgmodel.errors import OrgmodelError
from orgmodel.i18n import lazy
from orgmodel.model import OrgGraph

if TYPE_CHECKING:
    from orgmodel.store.query_door import DoorLimits

__all__ = [
    "SCENARIO_PREFIX",
    "AlreadyExists",
    "AuditEntry",
    "GraphStore",
    "NotFound",
    "OrgSummary",
    "OrgVersion",
    "QueryError",
    "QueryTimeout",
    "ReadOnlyQueryError",
    "ScenarioRecord",
    "ScenarioSave",
    "StoreError",
    "StoreLocked",
    "VersionConflict",
    "check_store_id",
]

#: Org id under which a scenario's resulting organisation is stored (``scenario:<id>``).
SCENARIO_PREFIX = "scenario:"


class StoreError(OrgmodelError):
    """The graph store failed or refused an operation; the message says which and why."""


class NotFound(StoreError, LookupError):
    """No such organisation, version or scenario in the store."""


class VersionConflict(StoreError):
    """A save was based on a version that is no longer the latest (another writer won)."""

    def __init__(self, org_id: str, expected: int, actual: int) -> None:
        self.org_id, self.expected, self.actual = org_id, expected, actual
        have = f"its latest version is {actual}" if actual else "it does not exist yet"
        super().__init__(
            f"version conflict on {org_id!r}: the save expected version {expected} to be the "
            f"latest, but {have} (someone else saved in between). Load version {actual}, "
            "re-apply your changes and save again."
        )


class ReadOnlyQueryError(StoreError):
    """A user query tried to write, or to touch files or the session; nothing was changed."""


class QueryError(StoreError):
    """A user query is not valid Cypher for this engine, or failed while running."""


class QueryTimeout(QueryError):
    """A user query ran longer than its time limit and was interrupted; nothing was changed."""


class QueryCrashed(QueryError):
    """The engine died on a user query, in the query's own process; nothing else was lost."""


class StoreLocked(StoreError):
    """The embedded store is held by another process (one writer process at a time)."""


class AlreadyExists(StoreError):
    """An immutable record (a scenario) with this id exists already; nothing was written."""


@dataclass(frozen=True, slots=True)
class OrgVersion:
    """One saved version of an organisation (immutable once written)."""

    org_id: str
    version: int
    name: str
    author: str
    message: str
    created_at: datetime
    units: int
    police: int
    auxiliaries: int


@dataclass(frozen=True, slots=True)
class OrgSummary:
    """An organisation in the store, with its latest version."""

    org_id: str
    name: str
    latest: int
    versions: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class ScenarioRecord:
    """A restructuring scenario: the plan, the version it applies to and the result.

    ``plan`` is the plan's text (YAML, or JSON when it was given as a dict). The resulting
    organisation is loaded with :meth:`GraphStore.load_scenario`.
    """

    scenario_id: str
    base_id: str
    base_version: int
    plan: str
    author: str
    message: str
    created_at: datetime
    units: int
    police: int
    #: The plan's name and number of operations, parsed once when the scenario was saved
    #: (listings show them without parsing the plan again).
    plan_name: str = ""
    plan_ops: int = 0


@dataclass(frozen=True, slots=True)
class ScenarioSave:
    """One scenario to save: the arguments of :meth:`GraphStore.save_scenario`, for
    :meth:`GraphStore.save_scenarios` (several saved together, a group commit)."""

    scenario_id: str
    base_id: str
    base_version: int
    plan: Mapping[str, Any] | str
    result: OrgGraph
    author: str
    message: str = ""
    plan_name: str | None = None
    plan_ops: int | None = None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One write to the store: who, when, what (action ``save``, ``delete``, ``scenario``…)."""

    at: datetime
    author: str
    action: str
    org_id: str | None
    version: int | None
    scenario_id: str | None
    message: str
    detail: str


# Store ids end up inside composite keys ("<org>@<version>:<unit>"): no "@", ":" or "/".
_ID_RE = re.compile(r"^[^\s@:/\\'\"`]{1,200}$")


def check_store_id(value: str, what: str = "organisation id") -> str:
    """Check an organisation or scenario id is usable as a store key; return it.

    Raises
    ------
    StoreError
        Empty, longer than 200 characters, or containing whitespace, quotes, ``@``, ``:``,
        ``/`` or ``\\``.
    """
    if not isinstance(value, str) or not _ID_RE.match(value):
        raise StoreError(
            lazy(
                "{what} {value!r} cannot be stored: use 1–200 characters without spaces, quotes, '@', ':', '/' or '\\' (e.g. 'mirror-county')",
                what=what,
                value=value,
            )
        )
    return value


#: Test hook: called with the name of each write step inside a save's transaction.
StepHook = Callable[[str], None]


class GraphStore(ABC):
    """Organisations, versions, scenarios and the audit log in a graph database.

    Use as a context manager (``with open_store(uri) as store: ...``) or call :meth:`close`.
    """

    #: Called with each write step's name inside a save: "units", "reports_to", "guides",
    #: "dispatches" and "commit" (the end of the first part, just before a two-transaction
    #: save commits it), then "version" (marking the version complete and latest).
    #: Tests raise from it to inject a failure, or kill the process there.
    step_hook: StepHook | None = None

    uri: str

    # -- organisations ------------------------------------------------------------------------

    @abstractmethod
    def save_org(
        self,
        org: OrgGraph,
        author: str,
        message: str = "",
        expected_version: int | None = None,
    ) -> OrgVersion:
        """Save ``org`` as the next version of the organisation ``org.id``.

        Parameters
        ----------
        org : OrgGraph
            The organisation; its ``id`` names it in the store.
        author, message : str
            Who saves, and why (kept with the version and in the audit log).
        expected_version : int, optional
            The version the caller's edit is based on (0: the organisation must be new).
            When given and not the latest, nothing is written and :class:`VersionConflict`
            is raised. When omitted the save becomes the next version whatever it is.

        Returns
        -------
        OrgVersion
            The version written.
        """

    @abstractmethod
    def load_org(self, org_id: str, version: int | None = None) -> OrgGraph:
        """Load a version of an organisation (the latest by default).

        Raises
        ------
        NotFound
            No such organisation or version.
        """

    @abstractmethod
    def list_orgs(self) -> list[OrgSummary]:
        """Every organisation in the store, by id."""

    @abstractmethod
    def list_versions(self, org_id: str) -> list[OrgVersion]:
        """Every version of an organisation, oldest first.

        Raises
        ------
        NotFound
            No such organisation.
        """

    @abstractmethod
    def delete_org(self, org_id: str, author: str, message: str = "") -> int:
        """Delete an organisation with all its versions and the scenarios based on it.

        Returns the number of versions deleted. The audit log keeps a ``delete`` entry.
        """

    # -- scenarios ----------------------------------------------------------------------------

    @abstractmethod
    def delete_scenario(self, scenario_id: str, author: str, message: str = "") -> None:
        """Delete a scenario and its result graph; its base is not touched. The audit log
        keeps a ``delete`` entry.

        Raises
        ------
        NotFound
            No such scenario.
        """

    @abstractmethod
    def save_scenario(
        self,
        scenario_id: str,
        base_id: str,
        base_version: int,
        plan: Mapping[str, Any] | str,
        result: OrgGraph,
        author: str,
        message: str = "",
        *,
        plan_name: str | None = None,
        plan_ops: int | None = None,
    ) -> ScenarioRecord:
        """Save a restructuring scenario: the plan, its base version and the resulting org.

        ``plan_name`` and ``plan_ops`` (the plan's name and number of operations) are kept
        with it for listings; when not given they are read from ``plan`` here.

        Raises
        ------
        NotFound
            The base version does not exist.
        AlreadyExists
            A scenario with this id exists already (scenarios are immutable).
        """

    def save_scenarios(self, saves: Sequence[ScenarioSave]) -> list[ScenarioRecord | Exception]:
        """Save several scenarios together (a group commit); each gets its own answer.

        The answer to ``saves[i]`` is its :class:`ScenarioRecord`, or the exception that
        refused it (:class:`AlreadyExists` — also for an id given twice in ``saves``, whose
        first one is saved —, :class:`NotFound` for a missing base, :class:`StoreError`).
        A refused save does not keep the others from being saved, and each scenario is all
        there or not at all. This default saves them one by one; the Cypher stores write them
        in one transaction, and when that fails, again one by one.

        Raises
        ------
        BaseException
            Only what is not an :class:`Exception` (an interrupt): every other failure is
            the answer of the save it belongs to.
        """
        out: list[ScenarioRecord | Exception] = []
        for s in saves:
            try:
                out.append(
                    self.save_scenario(
                        s.scenario_id,
                        s.base_id,
                        s.base_version,
                        s.plan,
                        s.result,
                        s.author,
                        s.message,
                        plan_name=s.plan_name,
                        plan_ops=s.plan_ops,
                    )
                )
            except Exception as e:
                out.append(e)
        return out

    @abstractmethod
    def list_scenarios(self, base_id: str | None = None) -> list[ScenarioRecord]:
        """Scenarios (of one base organisation, or all), oldest first."""

    @abstractmethod
    def get_scenario(self, scenario_id: str) -> ScenarioRecord:
        """The record of one scenario. Raises :class:`NotFound`."""

    @abstractmethod
    def load_scenario(self, scenario_id: str) -> tuple[ScenarioRecord, OrgGraph]:
        """A scenario's record and its resulting organisation. Raises :class:`NotFound`."""

    # -- audit and analysis -------------------------------------------------------------------

    @abstractmethod
    def audit_log(self, org_id: str | None = None, limit: int | None = None) -> list[AuditEntry]:
        """Writes to the store (to one organisation, or all), newest first."""

    @abstractmethod
    def query(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        timeout_s: float | None = None,
        limits: DoorLimits | None = None,
        max_rows: int | None = None,
    ) -> list[dict[str, Any]]:
        """Run one read-only Cypher statement; rows as dicts of plain (JSON-ready) values.

        The statement first passes the query door (:func:`orgmodel.store.query_door.pass_query`
        with ``limits``, a :class:`~orgmodel.store.query_door.DoorLimits`; from the
        environment when omitted): reading clauses and listed functions only, within the
        size limits. The engine runs the door's rendering of it, read-only. With ``timeout_s``
        the engine itself stops the statement after that long (LadybugDB's query timeout and
        interrupt, Neo4j's transaction timeout) and :class:`QueryTimeout` is raised. At most
        ``max_rows`` rows are fetched.

        Raises
        ------
        QueryTimeout
            The statement ran past ``timeout_s`` and was stopped.
        ReadOnlyQueryError
            :class:`~orgmodel.store.query_door.QueryRefused` — a clause, function or size the
            door does not let through (CALL, LOAD FROM, COPY, EXPORT/IMPORT, ATTACH, INSTALL,
            settings, transaction control, writes, a second statement …); or a write the
            engine itself refused. Nothing is changed.
        QueryError
            The statement is not valid (:class:`~orgmodel.store.query_door.QuerySyntaxError`)
            or fails.
        """

    @abstractmethod
    def recover(self) -> list[str]:
        """Remove what interrupted saves left behind; say what was removed.

        Called when the store opens. Removes versions never marked complete (a save killed
        between its two transactions), units of no version, and — where the engine's commit
        is not atomic across a kill — versions whose units or edges do not number what the
        save recorded; points each organisation at its last complete version (deleting an
        organisation left with none) and drops scenarios whose result was removed. Each
        removal is logged as a warning and kept in the audit log (action ``recover``).

        Returns
        -------
        list of str
            One line per thing removed or repaired (empty for a clean store).
        """

    @abstractmethod
    def close(self) -> None:
        """Release the database (and the embedded store's file lock)."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _step(self, name: str) -> None:
        if self.step_hook is not None:
            self.step_hook(name)
