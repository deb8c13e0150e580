"""Staffing norms (编制与勤务定额) and policy rules (政策指标), both loaded from data files.

Norms give, per unit kind, leader posts L, admin posts A, 24/7 duty posts D, officers per
24/7 post k and an efficient unit size S (DOMAIN.md, "Hidden workforce loss"), the posts a
team or office adds to its station's establishment (``added_posts``, "Establishments"), plus the
absence rate of the availability funnel and the span thresholds. Policy rules name a
metric, a scope, a comparator and a threshold, with the Chinese description and the source
of the threshold.

The files' shapes are written once, as pydantic models (:class:`NormsFile`,
:class:`PolicyFile`): their JSON Schemas (:func:`norms_json_schema`,
:func:`policy_json_schema`) document the files for an editor and the HTTP API's request bodies.
The readers (:func:`norms_from_dict`, :func:`policy_from_dict`) check every field themselves,
so that an error names the kind or rule at fault in the file's words; their defaults and
required fields come from the same models and dataclasses.
"""

from __future__ import annotations

import math
import operator
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from pydantic import BaseModel, ConfigDict, Field, create_model

from orgmodel.errors import InputError
from orgmodel.i18n import join_list, lazy, located
from orgmodel.labels import POLICY_METRIC_IDS
from orgmodel.model import GROUP_KINDS, KINDS
from orgmodel.seeds import read_data_yaml, seed_path

__all__ = [
    "COMPARATORS",
    "GroupNormsFile",
    "KindNorm",
    "KindNormsFile",
    "Norms",
    "NormsFile",
    "PolicyFile",
    "PolicyRule",
    "PolicyRuleFile",
    "SpanNormsFile",
    "TeamNormsFile",
    "load_norms",
    "load_policy",
    "norms_from_dict",
    "norms_json_schema",
    "policy_from_dict",
    "policy_json_schema",
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
        raise InputError(
            lazy(
                "{where}: {key} must be a non-negative number, got {v!r}", where=where, key=key, v=v
            )
            if real
            else lazy(
                "{where}: {key} must be a non-negative whole number, got {v!r}",
                where=where,
                key=key,
                v=v,
            )
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


# -- the norms file's shape (documentation: the reader below checks every field) ----------------


def _no_default(schema: dict[str, Any]) -> None:
    # an optional field whose default is another field's value: no "default" in the schema
    schema.pop("default", None)


def _posts(description: str, *, most: int = MAX_NORM, default: Any = ...) -> Any:
    return Field(default, ge=0, le=most, description=description)


class KindNormsFile(BaseModel):
    """Norms of one unit kind (编制/岗位定额): its fixed posts F = leaders + admin (+ duty_posts
    × officers_per_post when it runs its own 24/7 roster) and its efficient size.

    The fields of :class:`KindNorm`; other keys are ignored (notes).
    """

    model_config = ConfigDict(extra="allow")

    leaders: int = _posts("Leader posts (领导职数).")
    admin: int = _posts("Administrative posts (内勤).")
    duty_posts: int = _posts("Posts of its 24/7 duty roster (值班岗位).")
    officers_per_post: int = Field(
        None,  # type: ignore[assignment]
        ge=0,
        le=MAX_NORM,
        description="Officers to keep one roster post filled; the top level's when omitted.",
        json_schema_extra=_no_default,
    )
    efficient_size: int = Field(
        ge=1, le=MAX_NORM, description="Size below which a unit is inefficient."
    )
    duty_roster: bool = Field(False, description="Whether it runs its own 24/7 roster.")
    added_posts: int = _posts(
        "Posts added to the station's establishment: teams and offices only (0 here).",
        most=0,
        default=0,
    )


class TeamNormsFile(KindNormsFile):
    """Norms of a team or an office (队、室): they may add posts to their station's
    establishment (DOMAIN.md, "Establishments")."""

    added_posts: int = _posts("Posts added to their station's establishment.", default=0)


class GroupNormsFile(KindNormsFile):
    """Norms of a group (片区/体系): no posts of its own; may be omitted."""

    leaders: int = _posts("A group has no posts of its own: 0.", most=0)
    admin: int = _posts("A group has no posts of its own: 0.", most=0)
    duty_posts: int = _posts("A group has no posts of its own: 0.", most=0)


def _kind_model(kind: str) -> Any:
    if kind in GROUP_KINDS:
        return (GroupNormsFile | None, None)
    return (TeamNormsFile if kind in _ADDING_KINDS else KindNormsFile, ...)


#: Kinds whose norms may add posts to their station's establishment.
_ADDING_KINDS = ("team", "office")

#: ``kinds``: every kind of ``orgmodel.model.KINDS`` (a group's may be omitted), none other.
KindsNormsFile: type[BaseModel] = create_model(
    "KindsNormsFile",
    __config__=ConfigDict(extra="forbid"),
    __doc__="Norms per unit kind: every kind (a group, 片区/体系, may be omitted: it has no "
    "posts of its own), no other.",
    **{kind: _kind_model(kind) for kind in KINDS},
)


class SpanNormsFile(BaseModel):
    """Span-of-control thresholds (管理幅度) and the bands of the span histogram."""

    model_config = ConfigDict(extra="allow")

    narrow_below: int = _posts("A span below this is narrow.", default=Norms.narrow_below)
    wide_above: int = _posts("A span above this is wide.", default=Norms.wide_above)
    bands: list[tuple[int, int | None]] = Field(
        default=list(Norms.bands),
        description="[low, high] spans per band, high ≥ low; [low, null] for the open last.",
    )


class NormsFile(BaseModel):
    """Staffing norms in the shape of ``seeds/norms.yaml`` (and of :meth:`Norms.to_dict`)."""

    model_config = ConfigDict(extra="allow", title="orgmodel staffing norms (编制与勤务定额)")

    officers_per_post: int = _posts(
        "Officers per 24/7 roster post.", default=Norms.officers_per_post
    )
    absence_rate: float = Field(
        Norms.absence_rate,
        ge=0,
        lt=1,
        description="Share of officers away on a given day (休假、培训、病事假).",
    )
    span: SpanNormsFile | None = None
    kinds: KindsNormsFile  # type: ignore[valid-type]


def norms_json_schema() -> dict[str, Any]:
    """The JSON Schema of a norms file, generated from :class:`NormsFile`.

    >>> s = norms_json_schema()
    >>> s["required"], "station" in s["$defs"]["KindsNormsFile"]["required"]
    (['kinds'], True)
    """
    schema = NormsFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


_TOP_KEYS = ("officers_per_post", "absence_rate", "span", "kinds")
_SPAN_KEYS = ("narrow_below", "wide_above", "bands")
_KIND_KEYS = (
    "leaders",
    "admin",
    "duty_posts",
    "officers_per_post",
    "efficient_size",
    "duty_roster",
    "added_posts",
)


def _near_miss(data: dict[Any, Any], known: tuple[str, ...], where: str) -> None:
    """Refuse a key that is a misspelt norms key (``absense_rate``): other keys are notes and
    ignored, so the misspelt figure would be dropped and the default used in silence."""
    import difflib

    for key in data:
        if not isinstance(key, str) or key in known:
            continue
        match = difflib.get_close_matches(key, known, n=1, cutoff=0.8)
        if match:
            raise InputError(
                lazy(
                    "{where}: '{key}' is not a norms key: did you mean '{match}'? (other keys "
                    "are notes and ignored, so its figure would be dropped in silence)",
                    where=where,
                    key=key,
                    match=match[0],
                )
            )


def norms_from_dict(data: Any, source: str = "<norms>") -> Norms:
    """Build :class:`Norms` from the file's data, checking every field.

    Raises
    ------
    InputError
        A kind is missing or unknown, or a value is not a non-negative number.
    """
    if not isinstance(data, dict) or not isinstance(data.get("kinds"), dict):
        raise InputError(lazy("{source}: expected a mapping with 'kinds'", source=source))
    _near_miss(data, _TOP_KEYS, source)
    k = _num(data, "officers_per_post", source, default=Norms.officers_per_post)
    absence = _num(data, "absence_rate", source, real=True, default=Norms.absence_rate)
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
        where = located(source, f"kinds.{kind}")
        row = data["kinds"].get(kind)
        if row is None and kind in GROUP_KINDS:
            row = _GROUP_NORM
        if not isinstance(row, dict):
            raise InputError(lazy("{where}: missing (every kind needs norms)", where=where))
        _near_miss(row, _KIND_KEYS, where)
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
        if kinds[kind].added_posts and kind not in _ADDING_KINDS:
            raise InputError(
                lazy(
                    "{where}: added_posts is for teams and offices (the posts they add to their station's establishment)",
                    where=where,
                )
            )
    span = data.get("span") or {}
    if not isinstance(span, dict):
        raise InputError(lazy("{source}: span must be a mapping", source=source))
    _near_miss(span, _SPAN_KEYS, located(source, "span"))
    bands_raw = span.get("bands", Norms.bands)
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
        narrow_below=_num(
            span, "narrow_below", located(source, "span"), default=Norms.narrow_below
        ),
        wide_above=_num(span, "wide_above", located(source, "span"), default=Norms.wide_above),
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


if TYPE_CHECKING:
    PolicyMetric: TypeAlias = str
    PolicyScope: TypeAlias = str
    Comparator: TypeAlias = str
else:  # the library's own lists, as enums
    PolicyMetric = Literal[tuple(POLICY_METRIC_IDS)]
    PolicyScope = Literal[tuple(POLICY_SCOPES)]
    Comparator = Literal[tuple(COMPARATORS)]


class PolicyRuleFile(BaseModel):
    """A policy rule: ``metric`` (in each unit of ``scope``) ``comparator`` ``threshold``.

    The fields of :class:`PolicyRule`; other keys are ignored (notes).
    """

    model_config = ConfigDict(extra="allow")

    id: str = Field(description="Unique among the rules.")
    description: str
    metric: PolicyMetric = Field(description="A metric of labels.POLICY_METRIC_IDS.")
    scope: PolicyScope = Field(description="Where it is measured (each unit of the scope).")
    comparator: Comparator
    threshold: float = Field(
        allow_inf_nan=False,
        # JSON Schema has no word for "finite": the largest float as bounds says it
        ge=-sys.float_info.max,
        le=sys.float_info.max,
        description="A finite number (not inf or NaN): against inf or NaN every unit "
        "would pass or fail whatever its figures. A share as a fraction (0.4 for 40%).",
    )
    source: str = Field("", description="Where the rule comes from.")


class PolicyFile(BaseModel):
    """Policy rules in the shape of ``seeds/policy.yaml``."""

    model_config = ConfigDict(extra="allow", title="orgmodel policy rules (政策指标)")

    rules: list[PolicyRuleFile]


def policy_json_schema() -> dict[str, Any]:
    """The JSON Schema of a policy file, generated from :class:`PolicyFile`.

    >>> s = policy_json_schema()
    >>> s["$defs"]["PolicyRuleFile"]["required"][:3]
    ['id', 'description', 'metric']
    """
    schema = PolicyFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


#: The keys every rule must give, in the order an error lists them.
_RULE_KEYS = tuple(k for k, f in PolicyRuleFile.model_fields.items() if f.is_required())


def policy_from_dict(data: Any, source: str = "<policy>") -> list[PolicyRule]:
    """Build the policy rules from the file's data, checking every field."""
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise InputError(
            lazy("{source}: expected a mapping with a list under 'rules'", source=source)
        )
    rules: list[PolicyRule] = []
    seen: set[str] = set()
    for i, r in enumerate(data["rules"]):
        where = located(source, f"rules[{i}]")
        if not isinstance(r, dict):
            raise InputError(lazy("{where}: expected a mapping", where=where))
        missing = [k for k in _RULE_KEYS if k not in r]
        if missing:
            raise InputError(lazy("{where}: missing {join}", where=where, join=join_list(missing)))
        where = located(source, lazy("rule {id!r}", id=r["id"]))
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
        try:
            finite = math.isfinite(t)
        except OverflowError:  # an integer beyond any float
            finite = False
        if not finite:
            # inf (1e999 in JSON, .inf in YAML) or NaN: every unit would pass, or none,
            # whatever its figures.
            shown = str(t) if isinstance(t, float) else str(t)[:12] + "…"
            raise InputError(
                lazy(
                    "{where}: threshold must be a finite number, got {t}: against it every "
                    "unit would pass or fail whatever its figures",
                    where=where,
                    t=shown,
                )
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
