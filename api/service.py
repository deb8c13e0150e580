"""The service behind the routes: one graph store per process, caches, and the library calls.

Routes stay thin: they parse, call one method here, and shape the answer. Everything that
blocks runs in the threadpool: the store, and the heavy work — reading plans, applying them,
metrics, diffs, exports — through :class:`api.work.WorkGate`, a few jobs at a time
(:meth:`OrgService.heavy`; 503 with ``Retry-After`` when too many wait). The store is opened
once per process; the embedded LadybugDB store is one ``Database`` object shared by every
request. Writes to the store are serialised by one lock; scenario creates that wait for it are
saved together (a group commit, :meth:`OrgService._save_scenario`). Reads take no lock: each
runs in a read-only transaction of its own beside the writer. Saved versions and
scenarios are immutable, so loaded organisations, metric reports, diffs and whole answers
(JSON bytes, :meth:`OrgService.answer`) are cached by ``(org, version)`` or scenario id
(cachetools LRU caches); a delete clears them all, a new scenario clears the listings, and
a value computed across such a write is not kept (a generation count,
:meth:`OrgService._cached`).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import re
import secrets
import threading
import time
from collections.abc import Awaitable, Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

import anyio
import yaml
from cachetools import LRUCache
from starlette.concurrency import run_in_threadpool

from api.crashlog import inflight, query_hash
from api.problems import ApiProblem, english
from api.settings import Settings
from api.work import WorkGate, small_apply
from orgmodel.io.nesting import NestingError, check_nesting
from orgmodel.metrics.mirror import mirror_report
from orgmodel.metrics.policy import policy_report
from orgmodel.metrics.shares import shares_report
from orgmodel.metrics.span import layers_report, span_report
from orgmodel.metrics.suite import headline, metric_report, org_summary
from orgmodel.metrics.workforce import workforce_report
from orgmodel.model import OrgGraph
from orgmodel.norms import Norms, PolicyRule, load_norms, load_policy, norms_from_dict
from orgmodel.norms import policy_from_dict as _policy_from_dict
from orgmodel.restructure import Plan, PlanError, apply_plan, diff_orgs, plan_from_dict
from orgmodel.restructure.plan import read_plan_text
from orgmodel.seeds import seed_path
from orgmodel.store import (
    GraphStore,
    NotFound,
    OrgVersion,
    QueryCrashed,
    ScenarioRecord,
    ScenarioSave,
    StoreError,
    open_store,
)
from orgmodel.store._common import plan_data
from orgmodel.store.base import check_store_id

__all__ = ["METRIC_PARTS", "OrgService", "Subject", "json_key", "parse_subject"]

log = logging.getLogger("orgmodel.api")

P = ParamSpec("P")
T = TypeVar("T")

METRIC_PARTS = ("span", "layers", "workforce", "mirror", "shares", "policy")
#: Bytes of whole answers the service keeps (:meth:`OrgService.answer`).
ANSWER_CACHE_BYTES = 64 * 1024 * 1024
_TEMPLATE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")


@dataclass(frozen=True, slots=True)
class Subject:
    """What to measure or compare: an organisation (a version, or the latest) or a scenario."""

    type: str  # "org" | "scenario"
    id: str
    version: int | None = None


def parse_subject(text: str) -> Subject:
    """``org:ID``, ``org:ID@VERSION``, ``scenario:ID`` or a bare ``ID`` (an organisation).

    Raises
    ------
    ApiProblem
        422 naming the reference that cannot be read.
    """
    kind, sep, rest = text.partition(":")
    if not sep:
        kind, rest = "org", text
    if kind not in ("org", "scenario") or not rest:
        raise ApiProblem(
            422,
            "invalid-reference",
            f"cannot read the reference {text!r}: use org:ID, org:ID@VERSION or scenario:ID",
        )
    version = None
    if kind == "org" and "@" in rest:
        rest, _, v = rest.rpartition("@")
        if not v.isdigit() or int(v) < 1:
            raise ApiProblem(
                422, "invalid-reference", f"{text!r}: the version after '@' must be 1, 2, …"
            )
        version = int(v)
    return Subject(kind, rest, version)


class _Cache:
    """A thread-safe LRU cache (cachetools) of ``size`` entries — or, with ``getsizeof``, of
    entries whose sizes add up to ``size`` (a value larger than that is not kept)."""

    def __init__(self, size: int, getsizeof: Callable[[Any], int] | None = None) -> None:
        self.size = size
        self._c: LRUCache[Hashable, Any] = LRUCache(maxsize=size, getsizeof=getsizeof)
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self._lock:
            return self._c.get(key)

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock, contextlib.suppress(ValueError):  # ValueError: too large to keep
            self._c[key] = value

    def clear(self) -> None:
        with self._lock:
            self._c.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._c)


def json_key(value: Any) -> str:
    """A request's norms or policy as a cache key (its JSON, keys sorted)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


class OrgService:
    """The store, the caches and the library calls behind every route.

    Parameters
    ----------
    store : GraphStore
        Opened once for the process (see :meth:`open`).
    settings : Settings
    """

    def __init__(self, store: GraphStore, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self.engine = str(getattr(store, "engine", type(store).__name__))
        self._lock = threading.RLock()
        self._orgs = _Cache(64)
        self._reports = _Cache(256)
        self._replays = _Cache(64)
        self._plans = _Cache(64)
        self._diffs = _Cache(64)
        #: Whole answers (JSON bytes) of read routes, by what they depend on: 64 MiB of them.
        self._answers = _Cache(ANSWER_CACHE_BYTES, getsizeof=len)
        #: Scenario listings (embedded store only: no other process writes it).
        self._listings = _Cache(16)
        #: Bumped by every write that can change what a cached key means (a delete: ids and
        #: version numbers may come back; a new scenario: the listings). A value computed
        #: across a bump is returned but not kept.
        self._generation = 0
        self._write_limiter: anyio.CapacityLimiter | None = None
        #: Scenario saves waiting for the store, and the task writing them (group commit,
        #: :meth:`_save_scenario`); touched on the event loop only.
        self._waiting_saves: list[tuple[ScenarioSave, asyncio.Future[ScenarioRecord]]] = []
        self._saver: asyncio.Task[None] | None = None
        self._inflight: dict[Hashable, asyncio.Future[Any]] = {}
        # The embedded store has one writer process (this one): latest versions can be cached.
        self._embedded = self.engine == "ladybug"
        self._latest: dict[str, int] = {}
        self._queries = 0
        self._queries_done = threading.Condition()
        self.gate = WorkGate(settings.work)

    @classmethod
    def open(cls, settings: Settings) -> OrgService:
        """Open the store the settings name and wrap it."""
        return cls(open_store(settings.store), settings)

    def close(self, wait_s: float = 5.0) -> None:
        """Close the store, once running queries have ended (or leave it to process exit)."""
        with self._queries_done:
            if not self._queries_done.wait_for(lambda: self._queries == 0, timeout=wait_s):
                log.warning("store left open: %d query(ies) still running", self._queries)
                return
        with self._lock:
            self.store.close()

    # -- running blocking work ----------------------------------------------------------------

    def _locked(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        with self._lock:
            return fn(*args, **kwargs)

    async def _write(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Write to the store in a worker thread, one write at a time (under the lock).

        Writes wait for their turn on the event loop (a limiter of one thread), not in the
        threadpool: fifty creates blocked on the lock in threads would hold the pool's 40
        tokens, which store reads and heavy work need too — they would queue behind the
        writes. Scenario creates come here a group at a time (:meth:`_save_scenario`), so
        at most one of them waits. Measured against writers waiting in threads of their own
        (up to 64) in paired runs of ``api-load`` (main at 0f6cf43, load 11–13, three
        pairs): p95 of a create 9.3 s against 7.8 s, of the county's metrics 4.0 s against
        4.6 s, server CPU alike: mixed, and with the group commit (create p95 5.6 s, server
        CPU a third lower) at most one create waits here at a time, so the limiter stayed.
        """
        if self._write_limiter is None:  # made on first use, inside the event loop
            self._write_limiter = anyio.CapacityLimiter(1)
        return await anyio.to_thread.run_sync(
            functools.partial(self._locked, fn, *args, **kwargs), limiter=self._write_limiter
        )

    async def _store(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Read from the store in the threadpool.

        Reads do not take the lock: each store call opens its own connection on the shared
        database in a read-only transaction, which the engine runs beside the one writer — so
        a planner's slow save does not hold up everyone's reads.
        """
        return await run_in_threadpool(functools.partial(fn, *args, **kwargs))

    async def heavy(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Heavy work (parsing a plan or an upload, applying a plan, metrics, diffs, exports)
        in a worker thread, at most ``settings.work.heavy_workers`` at once.

        Raises
        ------
        ApiProblem
            503 ``busy`` with ``Retry-After`` when the workers are taken and the queue is full.
        """
        return await self.gate.run(fn, *args, **kwargs)

    async def heavy_unless(
        self, small: bool, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """As :meth:`heavy`, but on the event loop when ``small`` (a step that is cheap for
        the organisation at hand: :func:`api.work.small_body`, :func:`api.work.small_apply`),
        so that it does not wait behind the big jobs holding the workers."""
        return await self.gate.run_unless(small, fn, *args, **kwargs)

    _compute = heavy

    async def _single_flight(self, key: Hashable, make: Callable[[], Awaitable[T]]) -> T:
        """Run ``make`` once for concurrent callers asking for the same thing."""
        fut = self._inflight.get(key)
        if fut is not None:
            return await asyncio.shield(fut)
        fut = asyncio.get_running_loop().create_future()
        self._inflight[key] = fut
        try:
            value = await make()
        except asyncio.CancelledError:
            fut.cancel()
            raise
        except BaseException as e:
            fut.set_exception(e)
            fut.exception()  # mark retrieved: the waiters (if any) re-raise it themselves
            raise
        else:
            fut.set_result(value)
            return value
        finally:
            self._inflight.pop(key, None)

    async def _cached(self, cache: _Cache, key: Hashable, make: Callable[[], Awaitable[T]]) -> T:
        """``cache[key]``, else ``make()`` once for concurrent callers, kept in ``cache``
        unless a write bumped the generation meanwhile (the value may predate it)."""
        hit = cache.get(key)
        if hit is not None:
            return hit
        generation = self._generation

        async def build() -> T:
            value = await make()
            if generation == self._generation:
                cache.put(key, value)
            return value

        return await self._single_flight((id(cache), generation, key), build)

    @property
    def generation(self) -> int:
        """How many deletes (and seedings) this service has seen: a key for answers cached
        outside it (the charts' figures), which an id used again must not find."""
        return self._generation

    def _invalidate(self) -> None:
        """After a delete: ids (and version numbers) may be reused, so forget everything."""
        self._generation += 1
        for cache in (
            self._orgs,
            self._reports,
            self._replays,
            self._diffs,
            self._plans,
            self._answers,
            self._listings,
        ):
            cache.clear()
        self._latest.clear()

    async def answer(self, key: Hashable, make: Callable[[], Awaitable[bytes]]) -> bytes:
        """A read route's whole answer (JSON bytes) under ``key``, which must name everything
        the answer depends on by immutable ids (an organisation's version resolved, a
        scenario id, the page): computed once, then served from the cache until a delete."""
        return await self._cached(self._answers, key, make)

    def cached_answer(self, key: Hashable) -> bytes | None:
        """The answer :meth:`answer` keeps under ``key``, if any (no waiting, no making)."""
        hit: bytes | None = self._answers.get(key)
        return hit

    def cached_listing(self, key: Hashable) -> bytes | None:
        """The listing :meth:`listing` keeps under ``key``, if any (embedded store only)."""
        hit: bytes | None = self._listings.get(key) if self._embedded else None
        return hit

    def latest_known(self, org_id: str) -> int | None:
        """An organisation's latest version number if known without the store (the
        embedded store, once :meth:`latest_version` has read it); ``None`` otherwise."""
        return self._latest.get(org_id) if self._embedded else None

    async def resolve(self, subject: Subject) -> Subject:
        """The subject with an organisation's latest version made explicit (404 if none)."""
        if subject.type == "org" and subject.version is None:
            return Subject("org", subject.id, await self.latest_version(subject.id))
        return subject

    # -- organisations ------------------------------------------------------------------------

    async def list_orgs(self) -> list[OrgVersion]:
        """The latest version of every organisation."""

        def work() -> list[OrgVersion]:
            out = []
            for s in self.store.list_orgs():
                versions = self.store.list_versions(s.org_id)
                out.append(versions[-1])
            return out

        return await self._store(work)

    async def versions(self, org_id: str) -> list[OrgVersion]:
        return await self._store(self.store.list_versions, org_id)

    async def latest_version(self, org_id: str) -> int:
        """The latest version number of an organisation (404 if there is none)."""
        if self._embedded and org_id in self._latest:
            return self._latest[org_id]
        versions = await self.versions(org_id)
        v = versions[-1].version
        if self._embedded:
            self._latest[org_id] = v
        return v

    async def version_info(self, org_id: str, version: int | None) -> OrgVersion:
        versions = await self.versions(org_id)
        if version is None:
            return versions[-1]
        for v in versions:
            if v.version == version:
                return v
        raise NotFound(
            f"organisation {org_id!r} has no version {version} (versions 1–{versions[-1].version})"
        )

    async def load_org(self, org_id: str, version: int | None = None) -> tuple[OrgGraph, int]:
        """An organisation version (the latest by default) and its version number."""
        v = version if version is not None else await self.latest_version(org_id)

        async def make() -> OrgGraph:
            return await self._store(self.store.load_org, org_id, v)

        return await self._cached(self._orgs, ("org", org_id, v), make), v

    async def save_org(
        self, org: OrgGraph, author: str, message: str, expected_version: int | None
    ) -> OrgVersion:
        """Save a new version (``expected_version`` 0: the organisation must be new)."""
        check_id(org.id)
        try:
            saved = await self._write(
                self.store.save_org, org, author, message, expected_version=expected_version
            )
        finally:
            # Saved versions are immutable: only "which one is the latest" changes.
            self._latest.pop(org.id, None)
        return saved

    async def delete_org(self, org_id: str, author: str, message: str = "") -> int:
        try:
            return await self._write(self.store.delete_org, org_id, author, message)
        finally:
            self._invalidate()

    # -- scenarios ----------------------------------------------------------------------------

    async def list_scenarios(self, base_id: str | None = None) -> list[ScenarioRecord]:
        return await self._store(self.store.list_scenarios, base_id)

    async def listing(self, key: Hashable, make: Callable[[], Awaitable[bytes]]) -> bytes:
        """A listing's answer (JSON bytes): cached with the embedded store, whose one writer
        is this process (a new scenario or a delete clears it); built each time otherwise."""
        if not self._embedded:
            return await make()
        return await self._cached(self._listings, key, make)

    async def delete_scenario(self, scenario_id: str, author: str, message: str = "") -> None:
        try:
            await self._write(self.store.delete_scenario, scenario_id, author, message)
        finally:
            self._invalidate()

    async def get_scenario(self, scenario_id: str) -> ScenarioRecord:
        return await self._store(self.store.get_scenario, scenario_id)

    async def load_scenario(self, scenario_id: str) -> tuple[ScenarioRecord, OrgGraph]:
        async def make() -> tuple[ScenarioRecord, OrgGraph]:
            return await self._store(self.store.load_scenario, scenario_id)

        return await self._cached(self._orgs, ("scenario", scenario_id), make)

    async def load_subject(self, subject: Subject) -> tuple[OrgGraph, Subject]:
        """The organisation a reference names, with the version resolved."""
        if subject.type == "scenario":
            _, org = await self.load_scenario(subject.id)
            return org, subject
        org, v = await self.load_org(subject.id, subject.version)
        return org, Subject("org", subject.id, v)

    async def create_scenario(
        self,
        *,
        scenario_id: str | None,
        base_id: str,
        base_version: int | None,
        plan: Plan,
        plan_source: Mapping[str, Any] | str,
        author: str,
        message: str,
    ) -> tuple[ScenarioRecord, dict[str, Any]]:
        """Apply a plan to a base version and save the result as a scenario.

        Returns the record and the summary of what the plan did (hires, steps, dropped
        edges). Nothing is saved when the plan fails (422 naming the operation).
        """
        check_plan_files(plan)
        base, v = await self.load_org(base_id, base_version)
        sid = scenario_id or _scenario_id(base_id, plan)
        check_id(sid, "scenario id")
        if await self._exists_scenario(sid):
            raise ApiProblem(
                409,
                "scenario-exists",
                f"a scenario {sid!r} exists already (scenarios are immutable): choose another id",
            )
        small = small_apply(len(base), len(plan.ops))
        result = await self.heavy_unless(small, apply_plan, base, plan)
        generation = self._generation
        rec = await self._save_scenario(
            ScenarioSave(
                sid,
                base_id,
                v,
                plan_source,
                result.org,
                author,
                message or plan.name,
                plan_name=plan.name,
                plan_ops=len(plan.ops),
            )
        )
        self._listings.clear()
        if generation == self._generation:  # no delete since: keep what the save wrote
            self._orgs.put(("scenario", sid), (rec, result.org))
            self._replays.put(sid, result)
        return rec, result.to_dict()

    async def _save_scenario(self, save: ScenarioSave) -> ScenarioRecord:
        """Save a scenario together with the others waiting (a group commit).

        While the store writes one group, the creates that arrive wait here, on the event
        loop (no thread each); the next group is all of them, written by
        :meth:`GraphStore.save_scenarios` in one transaction, which costs about what one
        scenario's did. Each request gets its own answer: its record, or its own error
        (a taken id, a missing base) — the others are saved all the same, and a group the
        engine refuses is saved again one scenario at a time by the store.
        """
        fut: asyncio.Future[ScenarioRecord] = asyncio.get_running_loop().create_future()
        self._waiting_saves.append((save, fut))
        if self._saver is None:
            self._saver = asyncio.create_task(self._save_waiting())
        # shielded: a client that goes away does not take its save out of a group
        return await asyncio.shield(fut)

    async def _save_waiting(self) -> None:
        """Write the waiting scenario saves, a group at a time, until none waits."""
        try:
            while self._waiting_saves:
                group, self._waiting_saves = self._waiting_saves, []
                try:
                    answers = await self._write(
                        self.store.save_scenarios, [save for save, _ in group]
                    )
                except BaseException as e:  # the store call itself failed: all hear it
                    for _, fut in group:
                        if not fut.done():
                            fut.set_exception(e)
                            fut.exception()  # retrieved: its waiter re-raises it
                    if not isinstance(e, Exception):
                        raise
                    continue
                for (_, fut), answer in zip(group, answers, strict=True):
                    if fut.done():
                        continue
                    if isinstance(answer, Exception):
                        fut.set_exception(answer)
                        fut.exception()
                    else:
                        fut.set_result(answer)
        finally:
            self._saver = None

    async def _exists_scenario(self, scenario_id: str) -> bool:
        try:
            await self.get_scenario(scenario_id)
        except NotFound:
            return False
        return True

    async def stored_plan(self, rec: ScenarioRecord) -> Any:
        """A scenario's plan parsed back from its text (``{"text": …}`` if it cannot be).

        Parsed once per scenario (in the work gate: a plan of thousands of operations takes
        seconds of YAML) and cached, as scenarios are immutable.
        """

        async def make() -> Any:
            return await self.heavy(stored_plan_data, rec.plan)

        return await self._cached(self._plans, ("plan", rec.scenario_id, rec.created_at), make)

    def remember_plan(self, rec: ScenarioRecord, data: Any) -> None:
        """Keep the plan a create has just parsed, so reading the scenario does not again."""
        self._plans.put(("plan", rec.scenario_id, rec.created_at), data)

    async def replay(self, rec: ScenarioRecord, base: OrgGraph) -> Any:
        """The stored plan re-applied to its base (for the exact lineage and the step log);
        ``None`` if it cannot be re-applied. Cached: base versions and plans are immutable."""

        async def make() -> Any:
            data = await self.stored_plan(rec)
            hit = await self._compute(replay_plan, base, data, rec.plan_name)
            return hit if hit is not None else False

        return await self._cached(self._replays, rec.scenario_id, make) or None

    async def diff(
        self, key: Hashable, a: OrgGraph, b: OrgGraph, lineage: Any = None
    ) -> dict[str, Any]:
        """:func:`diff_orgs` of two organisations, cached under ``key`` (immutable subjects)."""

        async def make() -> dict[str, Any]:
            return await self._compute(diff_orgs, a, b, lineage=lineage)

        return await self._cached(self._diffs, key, make)

    # -- metrics ------------------------------------------------------------------------------

    async def report(
        self,
        subject: Subject,
        part: str | None = None,
        norms: Mapping[str, Any] | None = None,
        policy: Mapping[str, Any] | None = None,
    ) -> tuple[dict[str, Any], Subject, OrgGraph]:
        """A metric report (the suite, or one part) of an organisation or a scenario."""
        org, resolved = await self.load_subject(subject)
        n = norms_from_request(norms)
        rules = policy_from_request(policy)
        key = (resolved, part, json_key(norms), json_key(policy))

        async def make() -> dict[str, Any]:
            return await self._compute(compute_report, org, part, n, rules)

        return await self._cached(self._reports, key, make), resolved, org

    # -- query --------------------------------------------------------------------------------

    async def query(
        self, cypher: str, params: Mapping[str, Any], limit: int | None, caller: str = "?"
    ) -> tuple[list[dict[str, Any]], float]:
        """Run a read-only Cypher query with the time limit; rows and elapsed milliseconds.

        ``caller`` (token name, role, address) is kept with the query's hash while it runs,
        so a supervisor can say who ran a query that crashed the worker (:mod:`api.crashlog`).
        """
        timeout = self.settings.query_timeout_s
        t0 = time.perf_counter()

        # User queries do not take the store lock: each runs on its own connection in a
        # read-only transaction, so a slow one cannot hold up everyone else's requests.
        def work() -> list[dict[str, Any]]:
            with self._queries_done:
                self._queries += 1
            try:
                with inflight(caller, cypher):
                    return self.store.query(
                        cypher,
                        params,
                        timeout_s=timeout,
                        limits=self.settings.query_limits,
                        # one row past the limit tells the caller the answer was cut
                        max_rows=None if limit is None else limit + 1,
                    )
            finally:
                with self._queries_done:
                    self._queries -= 1
                    self._queries_done.notify_all()

        # The store stops the query at the limit (on a file it kills the query's process);
        # the grace period here only bounds the wait should that fail.
        try:
            with anyio.fail_after(timeout + 2.0):
                rows = await anyio.to_thread.run_sync(work, abandon_on_cancel=True)
        except QueryCrashed:
            log.error(
                "the engine crashed on a query (its own process; the server carries on): "
                "caller %s, query sha256 %s (%d characters)",
                caller,
                query_hash(cypher),
                len(cypher),
            )
            raise
        except TimeoutError:
            raise ApiProblem(
                504,
                "query-timeout",
                f"the query ran longer than the limit of {timeout:g} s and was stopped",
                limit_s=timeout,
            ) from None
        return rows, (time.perf_counter() - t0) * 1000

    # -- seeds --------------------------------------------------------------------------------

    def seed_if_empty(self) -> list[str]:
        """Load the seed organisations and plans into an empty store (blocking; at startup).

        Each plan in ``seeds/plans`` is applied to the seed organisation its ``base`` names
        and saved as a scenario named after the plan file.
        Returns what was loaded, for the start-up message.
        """
        with self._lock:
            if self.store.list_orgs():
                return []
            from orgmodel.io import load_org
            from orgmodel.restructure import load_plan

            loaded: list[str] = []
            orgs_dir, plans_dir = seed_path("orgs"), seed_path("plans")
            for f in sorted(orgs_dir.glob("*.yaml")) if orgs_dir.is_dir() else []:
                try:
                    org = load_org(f)
                    self.store.save_org(org, "seed", f"seed: {f.name}")
                    loaded.append(f"org {org.id}")
                except Exception as e:  # a broken seed must not keep the server down
                    log.warning("seed organisation %s not loaded: %s", f.name, e)
            for f in sorted(plans_dir.glob("*.yaml")) if plans_dir.is_dir() else []:
                try:
                    text = f.read_text(encoding="utf-8")
                    plan = load_plan(f)
                    if plan.base is None:
                        log.warning("seed plan %s names no base organisation", f.name)
                        continue
                    base_id = plan.base
                    base = self.store.load_org(base_id)
                    v = self.store.list_versions(base_id)[-1].version
                    result = apply_plan(base, plan)
                    self.store.save_scenario(
                        f.stem, base_id, v, text, result.org, "seed", f"seed: {f.name}"
                    )
                    loaded.append(f"scenario {f.stem}")
                except Exception as e:
                    log.warning("seed plan %s not loaded: %s", f.name, e)
            self._invalidate()
            return loaded


# -- library glue (pure, run in the threadpool) -----------------------------------------------


def compute_report(
    org: OrgGraph, part: str | None, norms: Norms, policy: list[PolicyRule] | None
) -> dict[str, Any]:
    """The whole suite, or one part with the ``org`` summary and the ``norms`` echoed."""
    if part is None:
        return metric_report(org, norms=norms, policy=policy)
    section: dict[str, Any]
    if part == "span":
        section = span_report(org, norms=norms)
    elif part == "layers":
        section = layers_report(org)
        section["mean_command_path"] = section["command_path"]["mean"]
        section["max_command_path"] = section["command_path"]["max"]
    elif part == "workforce":
        section = workforce_report(org, norms=norms)
    elif part == "mirror":
        section = mirror_report(org, norms=norms)
    elif part == "shares":
        section = shares_report(org)
    elif part == "policy":
        section = policy_report(org, policy, norms=norms)
    else:  # pragma: no cover - the route's Literal refuses it
        raise ValueError(part)
    return {"org": org_summary(org), part: section, "norms": norms.to_dict()}


def norms_from_request(data: Mapping[str, Any] | None) -> Norms:
    """Norms given in a request, or the shipped ones."""
    if data is None:
        return load_norms()
    return norms_from_dict(dict(data), "request body: norms")


def policy_from_request(data: Mapping[str, Any] | None) -> list[PolicyRule] | None:
    """Policy rules given in a request (``{rules: [...]}``), or ``None`` for the shipped ones."""
    if data is None:
        return None
    return _policy_from_dict(dict(data), "request body: policy")


def default_policy() -> list[PolicyRule]:
    return load_policy()


def deltas(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """Headline figures before and after, and after − before for each."""
    b, a = headline(before), headline(after)
    return {
        "before": b,
        "after": a,
        "delta": {
            k: (a[k] - b[k])  # type: ignore[operator]
            if isinstance(a[k], int | float) and isinstance(b[k], int | float)
            else None
            for k in b
        },
    }


def stored_plan_data(text: str) -> Any:
    """A stored plan's text parsed back; ``{"text": text, "unreadable": why}`` if the plan
    reader refuses it (a plan stored by another tool, or by an older orgmodel with a key
    given twice, which the reader no longer takes: its last value silently won). Blocking."""
    try:
        return plan_data(text)
    except Exception as e:
        why = getattr(e, "problem", None) if isinstance(e, yaml.MarkedYAMLError) else None
        return {"text": text, "unreadable": why or str(e) or type(e).__name__}


def replay_plan(base: OrgGraph, plan: str | Mapping[str, Any], name: str | None = None) -> Any:
    """Re-apply a stored plan (its text, or its text parsed) to its base; ``None`` if it
    cannot be (blocking). ``name``: the name the plan had when the scenario was made
    (:attr:`ScenarioRecord.plan_name`; an unnamed plan was given the scenario's id), so
    that the replayed organisation is the stored one."""
    try:
        data = plan_data(plan) if isinstance(plan, str) else dict(plan)
        parsed = plan_from_dict(data, "stored plan", default_name=name)
        check_plan_files(parsed)
        return apply_plan(base, parsed)
    except Exception:  # a plan stored by another tool or an older orgmodel
        return None


def parse_plan(
    plan: Mapping[str, Any] | None,
    plan_text: str | None,
    source: str = "request body: plan",
    default_name: str | None = None,
) -> tuple[Plan, Mapping[str, Any] | str, Any]:
    """A plan from a JSON object or from YAML/JSON text (422 naming what is wrong): the
    plan, what to store (the text as given, or the object) and the data read.

    Blocking (a plan of thousands of operations takes a while): run it through
    :meth:`OrgService.heavy`.
    """
    if (plan is None) == (plan_text is None):
        raise ApiProblem(
            422,
            "invalid-plan",
            "give the plan either as 'plan' (a JSON object) or as 'plan_text' (YAML or JSON)",
        )
    if plan_text is not None:
        try:
            check_nesting(plan_text, source)
        except NestingError as e:
            raise ApiProblem(
                400, "too-deep", english(e), errors=[{"field": "plan_text", "message": english(e)}]
            ) from None
        data = read_plan_text(plan_text, source)  # JSON or YAML, as a plan file is read
        return plan_from_dict(data, source, default_name=default_name), plan_text, data
    assert plan is not None
    return plan_from_dict(dict(plan), source, default_name=default_name), dict(plan), dict(plan)


def check_plan_files(plan: Plan) -> None:
    """Plans sent over the API may name seed templates only, never a file on the server."""
    for i, op in enumerate(plan.ops):
        if op.get("op") != "apply_template":
            continue
        ref = op.get("template")
        if (
            not isinstance(ref, str)
            or not _TEMPLATE_NAME.match(ref)
            or ref.endswith((".yaml", ".yml", ".json"))
        ):
            raise PlanError(
                f"template {ref!r}: name one of the shipped templates (seeds/templates), "
                "not a file path",
                index=i,
                op="apply_template",
                source=plan.source,
            )
        if not seed_path("templates", f"{ref}.yaml").is_file():
            raise PlanError(
                f"no template {ref!r} in seeds/templates",
                index=i,
                op="apply_template",
                source=plan.source,
            )


def _scenario_id(base_id: str, plan: Plan) -> str:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", plan.name).strip("-")[:40]
    return f"{base_id}.{slug or 'plan'}.{stamp}-{secrets.token_hex(2)}"


def check_id(value: str, what: str = "organisation id", field: str = "id") -> str:
    """An id usable as a store key (422 naming it and its ``field`` otherwise)."""
    try:
        return check_store_id(value, what)
    except StoreError as e:
        raise ApiProblem(
            422, "invalid-id", english(e), errors=[{"field": field, "message": english(e)}]
        ) from None
