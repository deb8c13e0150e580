"""The store logic both engines share, written against a small transaction interface.

Each engine supplies a write transaction and a read-only snapshot that run named queries of
``cypher/`` with parameters (:class:`Tx`), plus its own bulk path for a version's units and
edges (:meth:`Tx.write_rows`: COPY FROM Arrow tables in LadybugDB, UNWIND batches in Neo4j) and its
read of a version's units as an Arrow table (:meth:`Tx.table`: ``get_as_arrow`` in LadybugDB).
Everything else — versioning, the conflict check, scenarios, deletes, the audit log — is
here once, so both stores behave the same.
"""

from __future__ import annotations

import contextlib
import logging
import random
import time
import uuid
from abc import abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import pyarrow as pa

from orgmodel.i18n import lazy
from orgmodel.model import OrgGraph, OrgValidationError
from orgmodel.store._common import (
    OrgRows,
    as_utc,
    edge_ends,
    now_utc,
    org_from_table,
    org_rows,
    plan_summary,
    plan_text,
    version_key,
)
from orgmodel.store.base import (
    SCENARIO_PREFIX,
    AlreadyExists,
    AuditEntry,
    GraphStore,
    NotFound,
    OrgSummary,
    OrgVersion,
    ScenarioRecord,
    ScenarioSave,
    StoreError,
    VersionConflict,
    check_store_id,
)

__all__ = ["CypherStore", "Tx", "WriteConflict"]

_T = TypeVar("_T")

#: Attempts of a write that a concurrent write made the engine refuse (see WriteConflict).
WRITE_ATTEMPTS = 5


class WriteConflict(StoreError):
    """The engine refused a write transaction because a concurrent one changed the same data
    first (a unique key written twice, a record changed underneath, a deadlock). Nothing of
    it was written; the store retries it, and a save that still loses is a VersionConflict."""


log = logging.getLogger("orgmodel.store")
T = TypeVar("T")


class Tx(Protocol):
    """One transaction of an engine."""

    def run(self, name: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """Run every statement of ``cypher/<name>.cypher``; the last one's rows as dicts."""
        ...

    def write_rows(self, rows: OrgRows, step: Callable[[str], None]) -> None:
        """Bulk-write a version's units and edges, calling ``step`` after each part."""
        ...

    def table(self, name: str, params: Mapping[str, Any] | None = None) -> pa.Table:
        """The rows of ``cypher/<name>.cypher`` as an Arrow table (``read/units`` typed as
        the Unit table)."""
        ...


class CypherStore(GraphStore):
    """A :class:`GraphStore` over an engine's transactions (see the module docstring)."""

    engine: str

    @abstractmethod
    def _write(self) -> AbstractContextManager[Tx]:
        """A write transaction: committed when the block ends, rolled back on any error."""

    @abstractmethod
    def _read(self) -> AbstractContextManager[Tx]:
        """A read-only snapshot transaction."""

    # -- organisations ------------------------------------------------------------------------

    #: The engine's commit is atomic across a kill -9 (Neo4j): both phases of a save share
    #: one transaction. LadybugDB's is not for bulk COPY (a kill during COMMIT kept the small
    #: writes and lost the copied units), so a save it copies commits the units and edges
    #: first (:meth:`_one_transaction`).
    one_transaction_saves: bool = False
    #: Recovery may count every version's units and edges and repair every organisation's
    #: latest pointer: no other process can be writing (the embedded store's one writer
    #: holds the file lock). Otherwise it only touches what it found incomplete.
    exclusive_recovery: bool = False

    #: Units a group of scenario saves writes in one transaction at most; a larger group
    #: is saved in several, in order (each scenario whole in one of them).
    group_units: int = 10_000

    def _save_lock(self) -> AbstractContextManager[Any]:
        """Held across both phases of a save (the embedded store's one-writer lock)."""
        return contextlib.nullcontext()

    def _one_transaction(self, units: int) -> bool:
        """Whether a save of ``units`` units (all a group's) commits in one transaction."""
        return self.one_transaction_saves

    def _two_phase(
        self,
        units: int,
        first: Callable[[Tx], T],
        second: Callable[[Tx, T], None],
        undo: Callable[[Tx, T], None],
    ) -> T:
        """Run a save of ``units`` units: ``first`` writes versions marked incomplete,
        ``second`` marks them complete. One transaction when :meth:`_one_transaction` says
        so, else two commits; then if the second fails, ``undo`` removes what the first
        wrote."""
        with self._save_lock():
            with self._write() as tx:
                out = first(tx)
                self._step("commit")
                if self._one_transaction(units):
                    second(tx, out)
                    return out
            try:
                with self._write() as tx:
                    second(tx, out)
            except BaseException:
                # If this fails too, recover() removes the version when the store next opens.
                with contextlib.suppress(Exception), self._write() as tx:
                    undo(tx, out)
                raise
            return out

    def save_org(
        self,
        org: OrgGraph,
        author: str,
        message: str = "",
        expected_version: int | None = None,
    ) -> OrgVersion:
        if not isinstance(org, OrgGraph):
            raise StoreError(
                lazy("save_org expects an OrgGraph, got {name}", name=type(org).__name__)
            )
        org_id = check_store_id(org.id)
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                # A retry re-reads the latest version: with expected_version it then raises
                # VersionConflict itself; without, it saves as the next version.
                return self._save_org(org, org_id, author, message, expected_version)
            except WriteConflict:
                if attempt == WRITE_ATTEMPTS:
                    latest = self._latest(org_id)
                    raise VersionConflict(
                        org_id, latest - 1 if expected_version is None else expected_version, latest
                    ) from None
                time.sleep(random.uniform(0.01, 0.05) * attempt)
        raise AssertionError("unreachable")

    def _latest(self, org_id: str) -> int:
        with self._read() as tx:
            rows = tx.run("read/latest", {"org_id": org_id})
        return int(rows[0]["latest"] or 0) if rows else 0

    def _save_org(
        self,
        org: OrgGraph,
        org_id: str,
        author: str,
        message: str,
        expected_version: int | None,
    ) -> OrgVersion:
        now = now_utc()

        def first(tx: Tx) -> dict[str, Any]:
            rows = tx.run("write/lock_org", {"org_id": org_id, "now": now})
            latest = int(rows[0]["latest"] or 0) if rows else 0
            if expected_version is not None and expected_version != latest:
                raise VersionConflict(org_id, expected_version, latest)
            version = latest + 1
            self._clear_leftover(tx, org_id, version)
            data = org_rows(org, org_id, version)
            tx.write_rows(data, self._step)
            params = {
                **data.header,
                "org_id": org_id,
                "version": version,
                "key": version_key(org_id, version),
                "root_key": data.root_key,
                "author": author,
                "message": message,
                "now": now,
            }
            tx.run("write/version", params)
            return params

        def second(tx: Tx, params: dict[str, Any]) -> None:
            tx.run("write/version_complete", params)
            self._step("version")
            self._audit(tx, author, "save", org_id, params["version"], None, message, org.name)

        def undo(tx: Tx, params: dict[str, Any]) -> None:
            tx.run("write/delete_version", {"org_id": org_id, "version": params["version"]})

        params = self._two_phase(len(org), first, second, undo)
        return OrgVersion(
            org_id=org_id,
            version=params["version"],
            name=org.name,
            author=author,
            message=message,
            created_at=now,
            units=params["units"],
            police=params["police"],
            auxiliaries=params["auxiliaries"],
        )

    def _clear_leftover(self, tx: Tx, org_id: str, version: int) -> None:
        """Remove an incomplete version with this number that a failed save left behind."""
        if tx.run("read/version_any", {"key": version_key(org_id, version)})[0]["n"]:
            tx.run("write/delete_version", {"org_id": org_id, "version": version})

    def load_org(self, org_id: str, version: int | None = None) -> OrgGraph:
        with self._read() as tx:
            if version is None:
                rows = tx.run("read/latest", {"org_id": org_id})
                if not rows or not rows[0]["latest"]:
                    raise NotFound(
                        lazy(
                            "no organisation {org_id!r} in the store {uri}",
                            org_id=org_id,
                            uri=self.uri,
                        )
                    )
                version = int(rows[0]["latest"])
            return self._load_graph(tx, org_id, version, f"{org_id} version {version}")

    def _load_graph(self, tx: Tx, org_id: str, version: int, label: str) -> OrgGraph:
        head = tx.run("read/version", {"key": version_key(org_id, version)})
        if not head:
            if org_id.startswith(SCENARIO_PREFIX):
                raise NotFound(
                    lazy(
                        "no scenario {value!r} in {uri}",
                        value=org_id[len(SCENARIO_PREFIX) :],
                        uri=self.uri,
                    )
                )
            known = tx.run("read/latest", {"org_id": org_id})
            if not known or not known[0]["latest"]:
                raise NotFound(
                    lazy(
                        "no organisation {org_id!r} in the store {uri}", org_id=org_id, uri=self.uri
                    )
                )
            raise NotFound(
                lazy(
                    "{org_id!r} has no version {version} (versions 1–{latest})",
                    org_id=org_id,
                    version=version,
                    latest=known[0]["latest"],
                )
            )
        params = {"org_id": org_id, "version": version}
        units = tx.table("read/units", params)
        edges: dict[str, Any] = {}
        for edge, by_row in (("guides", "guide_rows"), ("dispatches", "dispatch_rows")):
            # By the units' seq (rows of the units read above, no id to look up); by id
            # only when a seq is not one of the version's units.
            ends = edge_ends(units, tx.table(f"read/{by_row}", params))
            if ends is None:
                edges[edge] = _pairs(tx.table(f"read/{edge}", params))
            else:
                edges[edge] = ends
        try:
            return org_from_table(
                head[0], units, edges["guides"], edges["dispatches"], f"store: {label}"
            )
        except OrgValidationError as e:
            raise StoreError(
                lazy("the stored {label} does not validate any more:\n{e}", label=label, e=e)
            ) from e

    def list_orgs(self) -> list[OrgSummary]:
        with self._read() as tx:
            rows = tx.run("read/orgs")
        return [
            OrgSummary(
                org_id=r["org_id"],
                name=r["name"] or "",
                latest=int(r["latest"] or 0),
                versions=int(r["versions"]),
                created_at=as_utc(r["created_at"]),
                updated_at=as_utc(r["updated_at"]),
            )
            for r in rows
        ]

    def list_versions(self, org_id: str) -> list[OrgVersion]:
        with self._read() as tx:
            rows = tx.run("read/versions", {"org_id": org_id})
        if not rows:
            raise NotFound(
                lazy("no organisation {org_id!r} in the store {uri}", org_id=org_id, uri=self.uri)
            )
        return [_version(r) for r in rows]

    def delete_org(self, org_id: str, author: str, message: str = "") -> int:
        return self._retrying(lambda: self._delete_org(org_id, author, message))

    def _retrying(self, write: Callable[[], _T]) -> _T:
        """Run a write again when a concurrent one made the engine refuse it."""
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                return write()
            except WriteConflict as e:
                if attempt == WRITE_ATTEMPTS:
                    raise StoreError(
                        lazy(
                            "the write kept losing to concurrent writes ({WRITE_ATTEMPTS} tries); nothing was written. Last: {e}",
                            WRITE_ATTEMPTS=WRITE_ATTEMPTS,
                            e=e,
                        )
                    ) from None
                time.sleep(random.uniform(0.01, 0.05) * attempt)
        raise AssertionError("unreachable")

    def _delete_org(self, org_id: str, author: str, message: str) -> int:
        with self._write() as tx:
            rows = tx.run("read/versions", {"org_id": org_id})
            if not rows or org_id.startswith(SCENARIO_PREFIX):
                raise NotFound(
                    lazy(
                        "no organisation {org_id!r} in the store {uri}", org_id=org_id, uri=self.uri
                    )
                )
            scenarios = tx.run("read/scenarios_of", {"base_id": org_id})
            for s in scenarios:
                sid = s["scenario_id"]
                tx.run("write/delete_graph", {"org_id": SCENARIO_PREFIX + sid})
                tx.run("write/delete_scenario", {"scenario_id": sid})
            tx.run("write/delete_graph", {"org_id": org_id})
            tx.run("write/delete_org", {"org_id": org_id})
            detail = f"{len(rows)} versions" + (
                f", {len(scenarios)} scenarios: {', '.join(s['scenario_id'] for s in scenarios)}"
                if scenarios
                else ""
            )
            self._audit(tx, author, "delete", org_id, None, None, message, detail)
        return len(rows)

    # -- scenarios ----------------------------------------------------------------------------

    def delete_scenario(self, scenario_id: str, author: str, message: str = "") -> None:
        with self._write() as tx:
            rows = tx.run("read/scenario", {"scenario_id": scenario_id})
            if not rows:
                raise NotFound(
                    lazy(
                        "no scenario {scenario_id!r} in the store {uri}",
                        scenario_id=scenario_id,
                        uri=self.uri,
                    )
                )
            base = _scenario(rows[0])
            tx.run("write/delete_graph", {"org_id": SCENARIO_PREFIX + scenario_id})
            tx.run("write/delete_scenario", {"scenario_id": scenario_id})
            self._audit(
                tx, author, "delete", base.base_id, base.base_version, scenario_id, message, ""
            )

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
        save = ScenarioSave(
            scenario_id,
            base_id,
            base_version,
            plan,
            result,
            author,
            message,
            plan_name=plan_name,
            plan_ops=plan_ops,
        )
        [answer] = self.save_scenarios([save])
        if isinstance(answer, Exception):
            raise answer
        return answer

    def save_scenarios(self, saves: Sequence[ScenarioSave]) -> list[ScenarioRecord | Exception]:
        """Save several scenarios in one transaction (a group commit); each gets its own
        answer (see :meth:`GraphStore.save_scenarios`).

        A refused scenario (an id taken or given twice, a missing base) is left out of the
        group before anything is written. Should the group's transaction fail anyway (an
        engine error, a write lost to a concurrent one five times), nothing of it was
        written, and each scenario is saved again alone: the failure then belongs to the
        one that causes it. A group costs about as many statements as one scenario: the
        checks, the units, each edge type, the version nodes, the scenario nodes and the
        audit entries are each one statement over all of its scenarios' rows.
        """
        answers: list[ScenarioRecord | Exception | None] = [None] * len(saves)
        todo: list[_Pending] = []
        for i, s in enumerate(saves):
            try:
                check_store_id(s.scenario_id, "scenario id")
                text = plan_text(s.plan)
                if s.plan_name is None or s.plan_ops is None:
                    name, ops = plan_summary(s.plan)
                else:
                    name, ops = s.plan_name, s.plan_ops
            except Exception as e:
                answers[i] = e
                continue
            todo.append(_Pending(i, s, text, name, ops))
        chunk: list[_Pending] = []
        units = 0
        for p in todo:
            if chunk and units + len(p.save.result) > self.group_units:
                self._save_pending(chunk, answers)
                chunk, units = [], 0
            chunk.append(p)
            units += len(p.save.result)
        self._save_pending(chunk, answers)
        assert all(a is not None for a in answers)  # every save answered, one way or the other
        return [a for a in answers if a is not None]

    def _save_pending(
        self, todo: list[_Pending], answers: list[ScenarioRecord | Exception | None]
    ) -> None:
        if not todo:
            return
        try:
            done = self._retrying(lambda: self._save_group(todo))
        except Exception as e:
            if len(todo) == 1:
                answers[todo[0].index] = e
                return
            log.warning(
                "store %s: a group of %d scenario saves failed, nothing of it was written; "
                "saving them one by one (%s)",
                self.uri,
                len(todo),
                e,
            )
            for p in todo:
                self._save_pending([p], answers)
            return
        for i, answer in done.items():
            answers[i] = answer

    def _save_group(self, todo: list[_Pending]) -> dict[int, ScenarioRecord | Exception]:
        """One transaction (two on the bulk-copy path) saving every scenario of ``todo``
        that may be saved; the answers by index of the request."""
        now = now_utc()
        answers: dict[int, ScenarioRecord | Exception] = {}

        def first(tx: Tx) -> list[dict[str, Any]]:
            answers.clear()
            keys = sorted({p.base_key for p in todo} | {p.key for p in todo})
            found = {
                r["key"]: bool(r["complete"]) for r in tx.run("read/versions_found", {"keys": keys})
            }
            ids = sorted({p.save.scenario_id for p in todo})
            taken = {r["id"] for r in tx.run("read/scenarios_found", {"ids": ids})}
            go: list[_Pending] = []
            for p in todo:
                sid = p.save.scenario_id
                if not found.get(p.base_key):
                    answers[p.index] = NotFound(
                        lazy(
                            "scenario {scenario_id!r}: its base {base_id!r} version {base_version} is not in the store {uri} (push it first)",
                            scenario_id=sid,
                            base_id=p.save.base_id,
                            base_version=p.save.base_version,
                            uri=self.uri,
                        )
                    )
                elif sid in taken:
                    answers[p.index] = AlreadyExists(
                        f"a scenario {sid!r} exists already (scenarios are immutable; "
                        "choose another id)"
                    )
                else:
                    taken.add(sid)  # the same id later in the group is refused
                    go.append(p)
            for p in go:
                if p.key in found:  # an incomplete result a failed save left behind
                    tx.run("write/delete_version", {"org_id": p.res_id, "version": 1})
            if not go:
                return []
            rows = [org_rows(p.save.result, p.res_id, 1) for p in go]
            tx.write_rows(_concat_rows(rows), self._step)
            params = [
                {
                    **data.header,
                    "index": p.index,
                    "org_id": p.res_id,
                    "version": 1,
                    "key": p.key,
                    "root_key": data.root_key,
                    "scenario_id": p.save.scenario_id,
                    "base_id": p.save.base_id,
                    "base_version": p.save.base_version,
                    "base_key": p.base_key,
                    "plan": p.text,
                    "plan_name": p.plan_name,
                    "plan_ops": p.plan_ops,
                    "author": p.save.author,
                    "message": p.save.message,
                    "now": now,
                }
                for p, data in zip(go, rows, strict=True)
            ]
            _created(tx.run("write/versions", {"rows": params}), len(params), "version nodes")
            return params

        def second(tx: Tx, params: list[dict[str, Any]]) -> None:
            if not params:
                return
            _created(tx.run("write/scenarios", {"rows": params}), len(params), "scenarios")
            self._step("version")
            self._audits(
                tx,
                [
                    _audit_row(
                        p["author"],
                        "scenario",
                        p["base_id"],
                        p["base_version"],
                        p["scenario_id"],
                        p["message"],
                        "",
                    )
                    for p in params
                ],
            )

        def undo(tx: Tx, params: list[dict[str, Any]]) -> None:
            for p in params:
                tx.run("write/delete_version", {"org_id": p["org_id"], "version": 1})

        units = sum(len(p.save.result) for p in todo)
        params = self._two_phase(units, first, second, undo)
        for p in params:
            answers[p["index"]] = ScenarioRecord(
                scenario_id=p["scenario_id"],
                base_id=p["base_id"],
                base_version=p["base_version"],
                plan=p["plan"],
                author=p["author"],
                message=p["message"],
                created_at=now,
                units=p["units"],
                police=p["police"],
                plan_name=p["plan_name"],
                plan_ops=p["plan_ops"],
            )
        return answers

    def list_scenarios(self, base_id: str | None = None) -> list[ScenarioRecord]:
        with self._read() as tx:
            if base_id is None:
                rows = tx.run("read/scenarios")
            else:
                rows = tx.run("read/scenarios_of", {"base_id": base_id})
        return [_scenario(r) for r in rows]

    def get_scenario(self, scenario_id: str) -> ScenarioRecord:
        with self._read() as tx:
            rows = tx.run("read/scenario", {"scenario_id": scenario_id})
        if not rows:
            raise NotFound(
                lazy(
                    "no scenario {scenario_id!r} in the store {uri}",
                    scenario_id=scenario_id,
                    uri=self.uri,
                )
            )
        return _scenario(rows[0])

    def load_scenario(self, scenario_id: str) -> tuple[ScenarioRecord, OrgGraph]:
        with self._read() as tx:
            rows = tx.run("read/scenario", {"scenario_id": scenario_id})
            if not rows:
                raise NotFound(
                    lazy(
                        "no scenario {scenario_id!r} in the store {uri}",
                        scenario_id=scenario_id,
                        uri=self.uri,
                    )
                )
            org = self._load_graph(
                tx, SCENARIO_PREFIX + scenario_id, 1, f"scenario {scenario_id} result"
            )
        return _scenario(rows[0]), org

    # -- recovery -----------------------------------------------------------------------------

    def recover(self) -> list[str]:
        with self._read() as tx:
            versions = tx.run("recover/versions")
            orgs = tx.run("recover/orgs")
            scenarios = tx.run("recover/scenarios")
            counts: dict[str, dict[tuple[str, int], int]] = {}
            if self.exclusive_recovery:
                for part in ("units", "reports_to", "guides", "dispatches"):
                    counts[part] = {
                        (r["org_id"], int(r["version"])): int(r["n"])
                        for r in tx.run(f"recover/{part}")
                    }
        bad: dict[tuple[str, int], str] = {}
        known: set[tuple[str, int]] = set()
        for v in versions:
            key = (v["org_id"], int(v["version"]))
            known.add(key)
            if not v["complete"]:
                bad[key] = "never marked complete"
            elif counts:
                why = _count_mismatch(v, key, counts)
                if why:
                    bad[key] = why
        for key in counts.get("units", {}):
            if key not in known:
                bad[key] = "units of no version"
        lines: list[str] = []
        complete: dict[str, int] = {}
        for org_id, version in known - set(bad):
            complete[org_id] = max(complete.get(org_id, 0), version)
        fixes: list[tuple[str, str, dict[str, Any]]] = []
        for (org_id, version), why in sorted(bad.items()):
            fixes.append(
                (
                    "write/delete_version",
                    f"{org_id} version {version}: {why}",
                    {"org_id": org_id, "version": version},
                )
            )
        touched = {org_id for org_id, _ in bad}
        for o in orgs:
            org_id, latest = o["org_id"], int(o["latest"] or 0)
            if not self.exclusive_recovery and org_id not in touched:
                continue  # another process may have saved it since `versions` was read
            last = complete.get(org_id, 0)
            if last == 0:
                fixes.append(
                    ("write/delete_org", f"{org_id}: no complete version left", {"org_id": org_id})
                )
            elif last != latest:
                fixes.append(
                    (
                        "recover/set_latest",
                        f"{org_id}: latest {latest} → {last}",
                        {"org_id": org_id, "latest": last},
                    )
                )
        summaries: list[dict[str, Any]] = []
        for s in scenarios:
            res = s["result_org_id"] or SCENARIO_PREFIX + s["scenario_id"]
            if complete.get(res) != 1 and (self.exclusive_recovery or res in touched):
                fixes.append(
                    (
                        "write/delete_scenario",
                        f"scenario {s['scenario_id']}: its result was not saved whole",
                        {"scenario_id": s["scenario_id"]},
                    )
                )
            elif s["stale"]:
                name, ops = plan_summary(s["plan"] or "")
                summaries.append(
                    {"scenario_id": s["scenario_id"], "plan_name": name, "plan_ops": ops}
                )
        if not fixes and not summaries:
            return lines
        with self._write() as tx:
            for query, line, params in fixes:
                tx.run(query, params)
                lines.append(line)
            for p in summaries:
                tx.run("recover/set_plan_summary", p)
            if fixes:
                detail = "; ".join(lines)
                self._audit(
                    tx,
                    "orgmodel",
                    "recover",
                    None,
                    None,
                    None,
                    "removed what interrupted saves left behind",
                    detail,
                )
        for line in lines:
            log.warning("store %s: recovered from an interrupted save: %s", self.uri, line)
        return lines

    # -- audit --------------------------------------------------------------------------------

    def audit_log(self, org_id: str | None = None, limit: int | None = None) -> list[AuditEntry]:
        lim = 1_000_000_000 if limit is None else max(0, int(limit))
        with self._read() as tx:
            if org_id is None:
                rows = tx.run("read/audit", {"limit": lim})
            else:
                rows = tx.run("read/audit_org", {"org_id": org_id, "limit": lim})
        return [
            AuditEntry(
                at=as_utc(r["at"]),
                author=r["author"] or "",
                action=r["action"],
                org_id=r["org_id"],
                version=None if r["version"] is None else int(r["version"]),
                scenario_id=r["scenario_id"],
                message=r["message"] or "",
                detail=r["detail"] or "",
            )
            for r in rows
        ]

    def _audit(
        self,
        tx: Tx,
        author: str,
        action: str,
        org_id: str | None,
        version: int | None,
        scenario_id: str | None,
        message: str,
        detail: str,
    ) -> None:
        self._audits(
            tx, [_audit_row(author, action, org_id, version, scenario_id, message, detail)]
        )

    def _audits(self, tx: Tx, rows: list[dict[str, Any]]) -> None:
        """Audit entries (rows of :func:`_audit_row`), one statement for all of them."""
        if rows:
            tx.run("write/audits", {"rows": rows})


def _audit_row(
    author: str,
    action: str,
    org_id: str | None,
    version: int | None,
    scenario_id: str | None,
    message: str,
    detail: str,
) -> dict[str, Any]:
    """One audit entry's values: who, when, what."""
    return {
        "id": uuid.uuid4().hex,
        "now": now_utc(),
        "author": author,
        "action": action,
        "org_id": org_id,
        "version": version,
        "scenario_id": scenario_id,
        "message": message,
        "detail": detail,
    }


@dataclass(frozen=True, slots=True)
class _Pending:
    """A scenario of a group, checked and ready to write."""

    index: int
    save: ScenarioSave
    text: str
    plan_name: str
    plan_ops: int

    @property
    def res_id(self) -> str:
        return SCENARIO_PREFIX + self.save.scenario_id

    @property
    def key(self) -> str:
        return version_key(self.res_id, 1)

    @property
    def base_key(self) -> str:
        return version_key(self.save.base_id, self.save.base_version)


def _created(rows: list[dict[str, Any]], expected: int, what: str) -> None:
    """Check a group's statement created one node per row (a MATCH that found nothing
    would have dropped its row without a word); raising rolls the group back."""
    n = int(rows[0]["n"]) if rows else 0
    if n != expected:
        raise StoreError(f"a group of scenario saves wrote {n} {what} of {expected}")


def _concat_rows(rows: list[OrgRows]) -> OrgRows:
    """Several organisations' rows as one (units and each edge type concatenated)."""
    if len(rows) == 1:
        return rows[0]
    return OrgRows(
        table=pa.concat_tables([r.table for r in rows]),
        edges={e: pa.concat_tables([r.edges[e] for r in rows]) for e in rows[0].edges},
        root_key="",
        header={},
    )


def _pairs(t: pa.Table) -> list[tuple[str, str]]:
    """(source, target) pairs of an edge query's table."""
    if t.num_rows == 0:
        return []
    return list(zip(t.column("source").to_pylist(), t.column("target").to_pylist(), strict=True))


def _count_mismatch(
    v: Mapping[str, Any], key: tuple[str, int], counts: Mapping[str, Mapping[tuple[str, int], int]]
) -> str:
    """Why a version's stored units or edges do not add up to what its save recorded."""
    units = counts["units"].get(key, 0)
    expected = {
        "units": v["units"],
        "reports_to": None if v["units"] is None else max(0, int(v["units"]) - 1),
        "guides": v["guides"],
        "dispatches": v["dispatches"],
    }
    for part, want in expected.items():
        have = units if part == "units" else counts[part].get(key, 0)
        if want is not None and int(want) != have:
            return f"{have} {part} stored, {want} saved"
    return ""


def _version(r: Mapping[str, Any]) -> OrgVersion:
    return OrgVersion(
        org_id=r["org_id"],
        version=int(r["version"]),
        name=r["name"] or "",
        author=r["author"] or "",
        message=r["message"] or "",
        created_at=as_utc(r["created_at"]),
        units=int(r["units"]),
        police=int(r["police"]),
        auxiliaries=int(r["auxiliaries"]),
    )


def _scenario(r: Mapping[str, Any]) -> ScenarioRecord:
    return ScenarioRecord(
        plan_name=r.get("plan_name") or "",
        plan_ops=int(r.get("plan_ops") or 0),
        scenario_id=r["scenario_id"],
        base_id=r["base_id"],
        base_version=int(r["base_version"]),
        plan=r["plan"] or "",
        author=r["author"] or "",
        message=r["message"] or "",
        created_at=as_utc(r["created_at"]),
        units=int(r["units"]),
        police=int(r["police"]),
    )


def batches(rows: list[Any], size: int) -> Iterator[list[Any]]:
    """Consecutive slices of ``rows`` of at most ``size``."""
    for i in range(0, len(rows), size):
        yield rows[i : i + size]
