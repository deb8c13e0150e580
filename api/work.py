"""Heavy work off the event loop, a few jobs at a time.

The server answers every request on one event loop. Work that takes CPU for long — reading
a plan or an uploaded organisation, applying a plan, a metric report, a diff, an export, a
chart — would hold every other request while it runs, ``/health`` included (issue 9: one
listing that re-parsed a 10,000-operation plan held the server for 6 s). :class:`WorkGate`
runs such work in a worker thread, at most ``heavy_workers`` jobs at once, with up to
``heavy_queue`` more waiting their turn; beyond that a request gets 503 ``busy`` with a
``Retry-After`` header at once, rather than a queue that grows without bound
(:class:`api.settings.WorkLimits`).

Not every step of a heavy route is heavy for the organisation at hand. Creating a scenario
on a county bureau reads a plan of a few hundred bytes (0.2 ms), applies it to 74 units
(4–7 ms) and shapes the answer (0.1 ms); sent through the gate, each of those steps waited
behind whatever big job held the workers — three times per create. :func:`small_body` and
:func:`small_apply` say when a step is cheap enough to run on the event loop itself; their
limits come from measured costs (CPU on this 2-core machine while it was shared, so an upper
bound): a plan body is read at about 0.2 ms a KiB as JSON and 1.6 ms a KiB as YAML; applying
a plan costs about 3 ms plus 25 µs a unit for each operation that walks the organisation
(a 10 % sink on 896 units: 24 ms). A step within the limits costs at most a few
milliseconds — about what a worker thread holding the GIL costs the event loop anyway.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import anyio
import anyio.to_thread

from api.problems import ApiProblem
from api.settings import WorkLimits

__all__ = [
    "INLINE_BODY_BYTES",
    "INLINE_UNIT_OPS",
    "WorkGate",
    "small_apply",
    "small_body",
]

#: A request body (a plan, as JSON or YAML) at most this long is read on the event loop.
INLINE_BODY_BYTES = 4096
#: A plan whose operations times its base's units come to at most this is applied, and its
#: answer shaped, on the event loop: a county bureau (20–150 units) and a few operations;
#: at the measured rate at most about 3 ms + 300 × 25 µs ≈ 10 ms.
INLINE_UNIT_OPS = 300


def small_body(n_bytes: int) -> bool:
    """Whether a plan body of ``n_bytes`` is read on the event loop (at most ~6 ms of YAML)."""
    return n_bytes <= INLINE_BODY_BYTES


def small_apply(units: int, ops: int) -> bool:
    """Whether ``ops`` operations applied to ``units`` units, and the answer that shows
    them, are cheap enough for the event loop (a county's plan: 4–7 ms)."""
    return units * max(ops, 1) <= INLINE_UNIT_OPS


P = ParamSpec("P")
T = TypeVar("T")


class WorkGate:
    """Run blocking functions in worker threads, ``limits.heavy_workers`` at a time.

    Parameters
    ----------
    limits : WorkLimits
        Jobs at once, jobs waiting, and the ``Retry-After`` of the 503 beyond them.

    Notes
    -----
    The counters are touched on the event loop only (one thread), so they need no lock.
    A job whose request was cancelled keeps its slot until its thread has finished: the
    cap counts threads that really run.
    """

    def __init__(self, limits: WorkLimits) -> None:
        self.limits = limits
        self._limiter: anyio.CapacityLimiter | None = None
        self.running = 0
        self.waiting = 0

    def _cap(self) -> anyio.CapacityLimiter:
        if self._limiter is None:  # made on first use, inside the event loop
            self._limiter = anyio.CapacityLimiter(self.limits.heavy_workers)
        return self._limiter

    def busy_problem(self) -> ApiProblem:
        """The 503 a request gets when every worker is busy and the queue is full."""
        lim = self.limits
        return ApiProblem(
            503,
            "busy",
            f"the server is busy: {lim.heavy_workers} heavy request(s) running and "
            f"{lim.heavy_queue} waiting (the limits ORGMODEL_HEAVY_WORKERS and "
            f"ORGMODEL_HEAVY_QUEUE); try again in {lim.retry_after_s} s",
            headers={"Retry-After": str(lim.retry_after_s)},
            retry_after_s=lim.retry_after_s,
        )

    async def run(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """``fn(*args, **kwargs)`` in a worker thread, once a slot is free.

        Raises
        ------
        ApiProblem
            503 ``busy`` (with ``Retry-After``) when every slot is taken and
            ``heavy_queue`` jobs are waiting already. Whatever ``fn`` raises is re-raised.
        """
        cap = self._cap()
        try:
            cap.acquire_nowait()
        except anyio.WouldBlock:
            if self.waiting >= self.limits.heavy_queue:
                raise self.busy_problem() from None
            self.waiting += 1
            try:
                await cap.acquire()
            finally:
                self.waiting -= 1
        self.running += 1
        try:
            return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs))
        finally:
            self.running -= 1
            cap.release()

    async def run_unless(
        self, small: bool, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """``fn(*args, **kwargs)`` on the event loop when ``small`` (no thread, no wait for a
        slot), else as :meth:`run`."""
        if small:
            return fn(*args, **kwargs)
        return await self.run(fn, *args, **kwargs)

    def stats(self) -> dict[str, Any]:
        """Jobs running and waiting now, and the limits."""
        return {
            "running": self.running,
            "waiting": self.waiting,
            "workers": self.limits.heavy_workers,
            "queue": self.limits.heavy_queue,
        }
