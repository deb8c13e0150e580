"""Staffing norms (编制与勤务定额) and policy rules (政策指标), both loaded from data files.

Norms give, per unit kind, leader posts L, admin posts A, 24/7 duty posts D, officers per
24/7 post k and an efficient unit size S (DOMAIN.md, "Hidden workforce loss"), the posts a
team or office adds to its station's establishment (``added_posts``, "Establishments"), plus the
absence rate of the availability funnel and the span thresholds. Policy rules name a
metric, a scope, a comparator and a threshold, with the Chinese description and the source
of the threshold.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from orgmodel.errors import InputError
from orgmodel.i18n import join_list, lazy
from orgmodel.labels import POLICY_METRIC_IDS
from orgmodel.model import GROUP_KINDS, KINDS
from orgmodel.seeds import read_data_yaml, seed_path

__all__ = [
    "COMPARATORS",
    "KindNorm",
    "Norms",
    "PolicyRule",
    "load_norms",
    "load_policy",
    "norms_from_dict",
    "policy_from_dict",
]


@dataclass(frozen=True, slots=True)
class KindNorm:
    """Norms of one unit kind."""

    leaders: int
    admin: int
    duty_posts: int
    officers_per_post: int
    efficient_size: int
    duty_roster: bool
    #: Posts a unit of this kind adds to its station's establishment beyond the station's own
    #: (teams and offices only; shipped 0: the station's leaders lead its teams and its office
    #: runs its one roster — DOMAIN.md, "Establishments").
    added_posts: int = 0

    def fixed_posts(self, duty_roster: bool) -> int:
        """F = L + A + (D × k if the unit runs its own 24/7 roster else 0)."""
        return (
            self.leaders
            + self.admin
            + (self.duty_posts * self.officers_per_post if duty_roster else 0)
        )


@dataclass(frozen=True)
class Norms:
    """Staffing norms per kind, the absence rate and the span thresholds."""

    kinds: dict[str, KindNorm]
    officers_per_post: int = 5
    absence_rate: float = 0.10
    narrow_below: int = 3
    wide_above: int = 15
    bands: tuple[tuple[int, int | None], ...] = (
        (1, 1),
        (2, 3),
        (4, 7),
        (8, 12),
        (13, 16),
        (17, None),
    )
    source: str = field(default="", compare=False)

    def __getitem__(self, kind: str) -> KindNorm:
        return self.kinds[kind]

    def band_labels(self) -> list[str]:
        """Labels of the span bands: ``1``, ``2–3``, …, ``17+``."""
        return [_band_label(lo, hi) for lo, hi in self.bands]

    def band_of(self, span: int) -> str | None:
        """The label of the band a span falls in (``None`` below the first band)."""
        for lo, hi in self.bands:
            if span >= lo and (hi is None or span <= hi):
                return _band_label(lo, hi)
        return None

    def to_dict(self) -> dict[str, Any]:
        """The norms as plain data, in the file's own shape (echoed by every report)."""
        return {
            "source": self.source,
            "officers_per_post": self.officers_per_post,
            "absence_rate": self.absence_rate,
            "span": {
                "narrow_below": self.narrow_below,
                "wide_above": self.wide_above,
                "bands": [[lo, hi] for lo, hi in self.bands],
            },
            "kinds": {k: asdict(v) for k, v in self.kinds.items()},
        }


def _band_label(lo: int, hi: int | None) -> str:
    if hi is None:
        return f"{lo}+"
    return str(lo) if lo == hi else f"{lo}–{hi}"


def _num(
    d: dict[str, Any], key: str, where: str, *, real: bool = False, default: Any = None
) -> Any:
    v = d.get(key, default)
    if v is None:
        raise InputError(lazy("{where}: missing {key}", where=where, key=key))
    ok = isinstance(v, int | float) if real else isinstance(v, int)
    if isinstance(v, bool) or not ok or v < 0:
        kind = "a non-negative number" if real else "a non-negative whole number"
        raise InputError(
            lazy("{where}: {key} must be {kind}, got {v!r}", where=where, key=key, kind=kind, v=v)
        )
    if not real and v > MAX_NORM:
        # posts and sizes are summed over every unit in 64-bit columns: a number past this is
        # a typing slip, and past 2^63 it would overflow them
        raise InputError(
            lazy(
                "{where}: {key} must be at most {most}, got {v!r}",
                where=where,
                key=key,
                most=MAX_NORM,
                v=v,
            )
        )
    return v


#: The largest whole number a norms file may give (posts, sizes, span thresholds).
MAX_NORM = 100_000

#: Norms of a group (片区/体系) when a norms file predates the kind: no posts of its own.
_GROUP_NORM = {"leaders": 0, "admin": 0, "duty_posts": 0, "efficient_size": 1}


def norms_from_dict(data: Any, source: str = "<norms>") -> Norms:
    """Build :class:`Norms` from the file's data, checking every field.

    Raises
    ------
    InputError
        A kind is missing or unknown, or a value is not a non-negative number.
    """
    if not isinstance(data, dict) or not isinstance(data.get("kinds"), dict):
        raise InputError(lazy("{source}: expected a mapping with 'kinds'", source=source))
    k = _num(data, "officers_per_post", source, default=5)
    absence = _num(data, "absence_rate", source, real=True, default=0.1)
    if absence >= 1:
        raise InputError(
            lazy(
                "{source}: absence_rate must be below 1, got {absence}",
                source=source,
                absence=absence,
            )
        )
    kinds: dict[str, KindNorm] = {}
    unknown = sorted(set(data["kinds"]) - set(KINDS))
    if unknown:
        raise InputError(
            lazy(
                "{source}: unknown unit kinds in norms: {join}",
                source=source,
                join=join_list(unknown),
            )
        )
    for kind in KINDS:
        where = f"{source}: kinds.{kind}"
        row = data["kinds"].get(kind)
        if row is None and kind in GROUP_KINDS:
            row = _GROUP_NORM
        if not isinstance(row, dict):
            raise InputError(lazy("{where}: missing (every kind needs norms)", where=where))
        s = _num(row, "efficient_size", where)
        if s == 0:
            raise InputError(lazy("{where}: efficient_size must be at least 1", where=where))
        roster = row.get("duty_roster", False)
        if not isinstance(roster, bool):
            raise InputError(lazy("{where}: duty_roster must be true or false", where=where))
        if kind in GROUP_KINDS and any(row.get(k) for k in ("leaders", "admin", "duty_posts")):
            raise InputError(
                lazy(
                    "{where}: a group (片区/体系) has no posts of its own; leaders, admin and duty_posts must be 0",
                    where=where,
                )
            )
        kinds[kind] = KindNorm(
            leaders=_num(row, "leaders", where),
            admin=_num(row, "admin", where),
            duty_posts=_num(row, "duty_posts", where),
            officers_per_post=_num(row, "officers_per_post", where, default=k),
            efficient_size=s,
            duty_roster=roster,
            added_posts=_num(row, "added_posts", where, default=0),
        )
        if kinds[kind].added_posts and kind not in ("team", "office"):
            raise InputError(
                lazy(
                    "{where}: added_posts is for teams and offices (the posts they add to their station's establishment)",
                    where=where,
                )
            )
    span = data.get("span") or {}
    if not isinstance(span, dict):
        raise InputError(lazy("{source}: span must be a mapping", source=source))
    bands_raw = span.get("bands", [[1, 1], [2, 3], [4, 7], [8, 12], [13, 16], [17, None]])
    bands: list[tuple[int, int | None]] = []
    for i, b in enumerate(bands_raw):
        if (
            not isinstance(b, list | tuple)
            or len(b) != 2
            or not isinstance(b[0], int)
            or (b[1] is not None and (not isinstance(b[1], int) or b[1] < b[0]))
        ):
            raise InputError(
                lazy(
                    "{source}: span.bands[{i}] must be [low, high] or [low, null]",
                    source=source,
                    i=i,
                )
            )
        bands.append((b[0], b[1]))
    return Norms(
        kinds=kinds,
        officers_per_post=k,
        absence_rate=float(absence),
        narrow_below=_num(span, "narrow_below", f"{source}: span", default=3),
        wide_above=_num(span, "wide_above", f"{source}: span", default=15),
        bands=tuple(bands),
        source=source,
    )


def load_norms(path: str | Path | None = None) -> Norms:
    """Load staffing norms; the shipped ``seeds/norms.yaml`` by default."""
    if path is None:
        return _default_norms()
    p = Path(path)
    return norms_from_dict(read_data_yaml(p, "norms"), str(p))


@lru_cache(maxsize=1)
def _default_norms() -> Norms:
    p = seed_path("norms.yaml")
    return norms_from_dict(read_data_yaml(p, "norms"), "seeds/norms.yaml")


COMPARATORS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
}
#: Where a rule is measured: the whole organisation, each unit of a kind, each county-level
#: bureau (县级公安机关, DOMAIN.md "Frontline shares"), or the aggregate over them.
POLICY_SCOPES = ("org", "province", "city", "county", "station", "county_level", "aggregate")


@dataclass(frozen=True, slots=True)
class PolicyRule:
    """A policy rule: ``metric`` (in each unit of ``scope``) ``comparator`` ``threshold``."""

    id: str
    description: str
    metric: str
    scope: str
    comparator: str
    threshold: float
    source: str

    def holds(self, value: float) -> bool:
        """Whether a measured value passes the rule."""
        return COMPARATORS[self.comparator](value, self.threshold)


def policy_from_dict(data: Any, source: str = "<policy>") -> list[PolicyRule]:
    """Build the policy rules from the file's data, checking every field."""
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise InputError(
            lazy("{source}: expected a mapping with a list under 'rules'", source=source)
        )
    rules: list[PolicyRule] = []
    seen: set[str] = set()
    for i, r in enumerate(data["rules"]):
        where = f"{source}: rules[{i}]"
        if not isinstance(r, dict):
            raise InputError(lazy("{where}: expected a mapping", where=where))
        missing = [
            k
            for k in ("id", "description", "metric", "scope", "comparator", "threshold")
            if k not in r
        ]
        if missing:
            raise InputError(lazy("{where}: missing {join}", where=where, join=join_list(missing)))
        where = f"{source}: rule {r['id']!r}"
        if r["id"] in seen:
            raise InputError(lazy("{where}: duplicate rule id", where=where))
        seen.add(r["id"])
        if r["metric"] not in POLICY_METRIC_IDS:
            raise InputError(
                lazy(
                    "{where}: unknown metric {metric!r} (known: {join})",
                    where=where,
                    metric=r["metric"],
                    join=join_list(POLICY_METRIC_IDS),
                )
            )
        if r["scope"] not in POLICY_SCOPES:
            raise InputError(
                lazy(
                    "{where}: unknown scope {scope!r} (known: {join})",
                    where=where,
                    scope=r["scope"],
                    join=join_list(POLICY_SCOPES),
                )
            )
        if r["comparator"] not in COMPARATORS:
            raise InputError(
                lazy(
                    "{where}: unknown comparator {comparator!r}",
                    where=where,
                    comparator=r["comparator"],
                )
            )
        t = r["threshold"]
        if isinstance(t, bool) or not isinstance(t, int | float):
            raise InputError(
                lazy("{where}: threshold must be a number, got {t!r}", where=where, t=t)
            )
        rules.append(
            PolicyRule(
                id=str(r["id"]),
                description=str(r["description"]),
                metric=str(r["metric"]),
                scope=str(r["scope"]),
                comparator=str(r["comparator"]),
                threshold=float(t),
                source=str(r.get("source", "")),
            )
        )
    return rules


def load_policy(path: str | Path | None = None) -> list[PolicyRule]:
    """Load policy rules; the shipped ``seeds/policy.yaml`` by default (read once: the
    rules are frozen, the list is the caller's)."""
    if path is None:
        return list(_default_policy())
    p = Path(path)
    return policy_from_dict(read_data_yaml(p, "policy"), str(p))


@lru_cache(maxsize=1)
def _default_policy() -> tuple[PolicyRule, ...]:
    p = seed_path("policy.yaml")
    return tuple(policy_from_dict(read_data_yaml(p, "policy"), "seeds/policy.yaml"))
