"""Synthetic mirrored organisations (上下对口) at any scale, for tests, demos and benchmarks.

:func:`generate_records` streams a whole public-security organisation as it would look if
every bureau copied the bureau above it ("上级有什么部门警种，下级也设置相应部门警种"):

- one 公安部 (``ministry``), ``P`` 省公安厅 (``province``), ``C`` 市公安局 (``city``) in each
  province and ``K`` 县公安局 / 公安分局 (``county``) in each city;
- every bureau has a 情报指挥中心 (``command_center``, function ``command``) and departments
  (内设机构) mirroring its parent bureau's: the ministry has every bureau function of the
  catalogue, and each level below drops a seeded random few of its parent's (the core
  functions — 办公室, 政治部, 刑侦, 治安, 交警 — are never dropped);
- each county bureau has 派出所 (``station``); about half are already organised as 两队一室
  (社区警务队, 案件办理队 and 综合指挥室), and every station has 社区警务室 (``community_post``);
- GUIDES (条) link each department to the department of the same function in the bureau
  directly below; DISPATCHES link each county 情指中心 to that county's stations.

Police (民警) and auxiliary (辅警) counts are plausible and varied: every county has its own
size factor, departments are sized by function and level, and most 社区警务室 hold one
community officer (一区一警) with one to three auxiliaries.

Everything comes from one ``random.Random(seed)`` consumed in a fixed order, so the same
arguments give the same organisation — and :func:`write_generated` the same file, byte for
byte. At ``P=31, C=11, K=8`` the organisation is national scale, about 650,000 units;
:func:`write_generated` streams it to JSON (or JSON-style YAML) without building the graph,
in seconds and with little memory. :func:`generate_org` builds the validated
:class:`~orgmodel.model.OrgGraph` instead.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from orgmodel.catalogue import FunctionCatalogue, load_catalogue
from orgmodel.errors import InputError
from orgmodel.i18n import lazy
from orgmodel.io.orgfile import FORMAT_VERSION
from orgmodel.model import DISPATCHES, GUIDES, UNIT_FIELDS, OrgGraph, Unit

__all__ = [
    "NATIONAL",
    "GenerationSummary",
    "Link",
    "Progress",
    "check_scale",
    "count_bureaus",
    "generate_org",
    "generate_records",
    "org_identity",
    "write_generated",
]

#: (provinces, cities per province, counties per city) of a national-scale organisation.
NATIONAL = (31, 11, 8)

#: Callback ``progress(done, total)``: bureaus generated so far out of all bureaus.
Progress = Callable[[int, int], None]


class Link(NamedTuple):
    """A GUIDES or DISPATCHES edge of a generated organisation."""

    type: str
    source: str
    target: str


# Functions a bureau keeps at every level; the others may be dropped on the way down.
_CORE = frozenset({"office", "political", "criminal", "public_order", "traffic"})
# How many of the parent's droppable functions each level leaves out (inclusive range).
_DROP = {"province": (0, 2), "city": (1, 3), "county": (2, 5)}
# Relative size of a department of each function (big 警种 hold more officers).
_WEIGHT = {
    "criminal": 3.0,
    "traffic": 3.5,
    "patrol": 3.0,
    "public_order": 2.5,
    "household": 1.5,
    "economic": 1.5,
    "narcotics": 1.3,
    "cyber": 1.3,
    "detention": 2.0,
    "techinv": 1.2,
    "domestic_security": 1.2,
    "logistics": 1.2,
    "political": 1.2,
    "office": 1.2,
}
# Officers per unit of department weight, by bureau kind.
_DEPT_SCALE = {"ministry": 60.0, "province": 22.0, "city": 9.0, "county": 3.2}
# The bureau's own police (its leadership), by kind.
_LEADERSHIP = {"ministry": (10, 14), "province": (6, 10), "city": (5, 8), "county": (4, 7)}
_COMMAND = {"ministry": (80, 150), "province": (30, 60), "city": (15, 40), "county": (8, 20)}
# Department name suffixes by bureau kind: 执法勤务机构 are 局/总队/支队/大队,
# 综合管理机构 局/处/科/股 — unless the function's own name already ends like a unit.
_SUFFIX = {
    "duty": {"ministry": "局", "province": "总队", "city": "支队", "county": "大队"},
    "management": {"ministry": "局", "province": "处", "city": "科", "county": "股"},
}
_UNIT_ENDINGS = ("室", "部", "中心", "队", "局")

_STATIONS_PER_COUNTY = (11, 19)
_POSTS_PER_STATION = (9, 15)
_TWO_TEAMS_ONE_OFFICE = 0.5

# Characters of fictional place names (two characters each): plausible, not real places.
_FIRST = "东西南北江河湖山海云青安平宁泰嘉临清长永新兴华阳高丰白金龙凤桃柳松石"
_SECOND = "川原州陵阳宁平安溪泽林山河城水丘峰源浦岭台湾坪桥口关庄营店"


def _place_pool(rng: random.Random) -> list[str]:
    pool = [a + b for a in _FIRST for b in _SECOND if a != b]
    rng.shuffle(pool)
    return pool


def _names(rng: random.Random, pool: list[str], n: int) -> list[str]:
    """``n`` distinct place names from ``pool`` (numbered once the pool runs out)."""
    if n <= len(pool):
        return rng.sample(pool, n)
    return [f"{pool[i % len(pool)]}{i // len(pool) + 1}" for i in range(n)]


def count_bureaus(provinces: int, cities: int, counties: int) -> int:
    """Number of bureaus (公安部 + 厅 + 市局 + 县局) of a generated organisation."""
    return 1 + provinces + provinces * cities + provinces * cities * counties


def check_scale(provinces: int, cities: int, counties: int) -> None:
    """Check the scale arguments at the door.

    Raises
    ------
    InputError
        A count is not a whole number, is negative, or there is no province.
    """
    for label, v in (("provinces", provinces), ("cities", cities), ("counties", counties)):
        if isinstance(v, bool) or not isinstance(v, int):
            raise InputError(lazy("{label} must be a whole number, got {v!r}", label=label, v=v))
        if v < 0:
            raise InputError(lazy("{label} must not be negative, got {v}", label=label, v=v))
    if provinces < 1:
        raise InputError(
            lazy("provinces must be at least 1 (a ministry needs a province below it)")
        )
    if provinces * cities * counties > 200_000:
        raise InputError(
            lazy(
                "{provinces}×{cities}×{counties} counties is more than 200,000 (national scale is 31×11×8 = 2,728)",
                provinces=provinces,
                cities=cities,
                counties=counties,
            )
        )


def org_identity(provinces: int, cities: int, counties: int, seed: int) -> dict[str, str]:
    """The ``id``, ``name`` and ``description`` of a generated organisation."""
    return {
        "id": f"synthetic-p{provinces}-c{cities}-k{counties}-s{seed}",
        "name": f"模拟公安机关（{provinces}省 × {cities}市 × {counties}县，种子 {seed}）",
        "description": (
            "Synthetic mirrored (上下对口) organisation generated by orgmodel.generate: "
            f"{provinces} provinces, {cities} cities per province, {counties} counties per "
            f"city, seed {seed}. Fictional names and counts."
        ),
    }


class _Gen:
    """One generation run: the RNG, the name pool and the catalogue's function names."""

    def __init__(self, seed: int, catalogue: FunctionCatalogue) -> None:
        self.rng = random.Random(seed)
        self.pool = _place_pool(self.rng)
        bureau_fns = [c for c in catalogue.codes("bureau") if c != "command"]
        for code in ("command", "community_policing", "case_handling", "station_command"):
            if code not in catalogue:
                raise InputError(
                    lazy("the function catalogue has no {code!r}, which generate needs", code=code)
                )
        self.functions = bureau_fns
        self.catalogue = catalogue

    def police(self, lo_hi: tuple[int, int], factor: float = 1.0) -> int:
        lo, hi = lo_hi
        return max(1, round(self.rng.randint(lo, hi) * factor))

    def unit(
        self,
        id: str,
        name: str,
        kind: str,
        parent: str | None,
        police: int,
        aux_ratio: tuple[float, float],
        function: str | None = None,
    ) -> Unit:
        rng = self.rng
        aux = round(police * rng.uniform(*aux_ratio))
        establishment = police + rng.randint(0, police // 8 + 1)
        return Unit(
            id=id,
            name=name,
            kind=kind,
            parent=parent,
            function=function,
            establishment=establishment,
            police=police,
            auxiliaries=aux,
        )

    def dept_name(self, bureau_name: str, kind: str, code: str) -> str:
        fn = self.catalogue[code]
        if fn.name.endswith(_UNIT_ENDINGS):
            return bureau_name + fn.name
        suffixes = _SUFFIX.get(fn.category, _SUFFIX["duty"])
        return bureau_name + fn.name + suffixes[kind]

    def bureau(
        self,
        bid: str,
        name: str,
        kind: str,
        parent: str | None,
        functions: list[str],
        parent_depts: dict[str, str],
        factor: float,
    ) -> Iterator[Unit | Link]:
        """A bureau, its 情指中心 and its departments, with GUIDES from the bureau above."""
        rng = self.rng
        yield self.unit(bid, name, kind, parent, self.police(_LEADERSHIP[kind]), (0.1, 0.4))
        yield self.unit(
            f"{bid}-cc",
            name + "情报指挥中心",
            "command_center",
            bid,
            self.police(_COMMAND[kind], factor),
            (0.3, 0.9),
            "command",
        )
        scale = _DEPT_SCALE[kind] * factor
        for code in functions:
            did = f"{bid}-{code}"
            size = max(1, round(_WEIGHT.get(code, 1.0) * scale * rng.uniform(0.5, 1.5)))
            aux = (1.0, 2.0) if code in ("traffic", "patrol") else (0.2, 0.8)
            yield self.unit(
                did, self.dept_name(name, kind, code), "department", bid, size, aux, code
            )
            upper = parent_depts.get(code)
            if upper is not None:
                yield Link(GUIDES, upper, did)

    def subset(self, kind: str, parent_functions: list[str]) -> list[str]:
        lo, hi = _DROP[kind]
        droppable = [f for f in parent_functions if f not in _CORE]
        drop = set(self.rng.sample(droppable, min(len(droppable), self.rng.randint(lo, hi))))
        return [f for f in parent_functions if f not in drop]

    def stations(self, cid: str, county_name: str, urban: bool) -> Iterator[Unit | Link]:
        """A county's 派出所 with their teams, offices and 社区警务室; DISPATCHES to each."""
        rng = self.rng
        n = rng.randint(*_STATIONS_PER_COUNTY)
        width = max(2, len(str(n)))
        names = _names(rng, self.pool, n)
        if not urban:
            names[0] = "城关"
        for i, place in enumerate(names, 1):
            sid = f"{cid}s{i:0{width}d}"
            sname = f"{county_name}{place}派出所"
            two_teams = rng.random() < _TWO_TEAMS_ONE_OFFICE
            if two_teams:
                yield self.unit(sid, sname, "station", cid, rng.randint(2, 4), (0.2, 0.6))
                yield self.unit(
                    f"{sid}-cp",
                    sname + "社区警务队",
                    "team",
                    sid,
                    rng.randint(1, 3),
                    (0.5, 1.5),
                    "community_policing",
                )
                yield self.unit(
                    f"{sid}-ch",
                    sname + "案件办理队",
                    "team",
                    sid,
                    rng.randint(3, 9),
                    (0.5, 1.2),
                    "case_handling",
                )
                yield self.unit(
                    f"{sid}-cmd",
                    sname + "综合指挥室",
                    "office",
                    sid,
                    rng.randint(2, 4),
                    (0.5, 1.5),
                    "station_command",
                )
            else:
                yield self.unit(sid, sname, "station", cid, rng.randint(6, 16), (0.6, 1.4))
            yield Link(DISPATCHES, f"{cid}-cc", sid)
            m = rng.randint(*_POSTS_PER_STATION)
            pwidth = max(2, len(str(m)))
            suffix = "社区警务室" if urban else "警务室"
            for j, post in enumerate(_names(rng, self.pool, m), 1):
                yield Unit(
                    id=f"{sid}p{j:0{pwidth}d}",
                    name=f"{sname}{post}{suffix}",
                    kind="community_post",
                    parent=sid,
                    police=(police := 1 if rng.random() < 0.8 else 2),
                    establishment=police,
                    auxiliaries=rng.randint(1, 3),
                )


def generate_records(
    provinces: int,
    cities: int,
    counties: int,
    *,
    seed: int = 0,
    progress: Progress | None = None,
    catalogue: FunctionCatalogue | None = None,
) -> Iterator[Unit | Link]:
    """Stream a mirrored organisation: every unit (parents first) and every edge.

    Parameters
    ----------
    provinces, cities, counties : int
        ``P`` 省公安厅 under the 公安部, ``C`` 市公安局 in each, ``K`` 县公安局 in each city.
    seed : int
        Seed of the one ``random.Random`` behind every choice; same seed, same stream.
    progress : callable, optional
        Called as ``progress(done, total)`` after each bureau (with its sub-units).
    catalogue : FunctionCatalogue, optional
        The function catalogue; the shipped one by default.

    Returns
    -------
    iterator of Unit or Link
        A :class:`~orgmodel.model.Unit` comes before any unit or edge that names it.

    Raises
    ------
    InputError
        The scale is invalid (see :func:`check_scale`).

    Examples
    --------
    >>> recs = list(generate_records(1, 1, 1, seed=3))
    >>> sum(isinstance(r, Unit) and r.kind == "county" for r in recs)
    1
    """
    check_scale(provinces, cities, counties)
    gen = _Gen(seed, catalogue if catalogue is not None else load_catalogue())
    rng = gen.rng
    total = count_bureaus(provinces, cities, counties)
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)

    ministry_fns = list(gen.functions)
    yield from gen.bureau("mps", "公安部", "ministry", None, ministry_fns, {}, 1.0)
    tick()
    pw = max(2, len(str(provinces)))
    cw = max(2, len(str(cities)))
    kw = max(2, len(str(counties)))
    for pi, pname in enumerate(_names(rng, gen.pool, provinces), 1):
        pid = f"p{pi:0{pw}d}"
        p_fns = gen.subset("province", ministry_fns)
        p_depts = {f: f"mps-{f}" for f in p_fns}
        yield from gen.bureau(
            pid, f"{pname}省公安厅", "province", "mps", p_fns, p_depts, rng.uniform(0.7, 1.4)
        )
        tick()
        for ci, cname in enumerate(_names(rng, gen.pool, cities), 1):
            cid = f"{pid}c{ci:0{cw}d}"
            c_fns = gen.subset("city", p_fns)
            c_depts = {f: f"{pid}-{f}" for f in c_fns}
            city_name = f"{cname}市公安局"
            yield from gen.bureau(
                cid, city_name, "city", pid, c_fns, c_depts, rng.uniform(0.6, 1.6)
            )
            tick()
            for ki, kname in enumerate(_names(rng, gen.pool, counties), 1):
                kid = f"{cid}k{ki:0{kw}d}"
                k_fns = gen.subset("county", c_fns)
                k_depts = {f: f"{cid}-{f}" for f in k_fns}
                urban = rng.random() < 0.3
                kname_full = f"{city_name}{kname}区分局" if urban else f"{kname}县公安局"
                place = kname + ("区" if urban else "县")
                factor = rng.uniform(0.6, 1.6)
                yield from gen.bureau(kid, kname_full, "county", cid, k_fns, k_depts, factor)
                yield from gen.stations(kid, place, urban)
                tick()


def generate_org(
    provinces: int,
    cities: int,
    counties: int,
    *,
    seed: int = 0,
    progress: Progress | None = None,
    catalogue: FunctionCatalogue | None = None,
) -> OrgGraph:
    """Build a mirrored organisation as a validated :class:`~orgmodel.model.OrgGraph`.

    Same arguments as :func:`generate_records`; the organisation is the one
    :func:`write_generated` writes for them.

    Examples
    --------
    >>> org = generate_org(1, 1, 1, seed=0)
    >>> org.attrs(org.root)["kind"], org.name_of(org.root)
    ('ministry', '公安部')
    """
    units: list[Unit] = []
    guides: list[tuple[str, str]] = []
    dispatches: list[tuple[str, str]] = []
    for rec in generate_records(
        provinces, cities, counties, seed=seed, progress=progress, catalogue=catalogue
    ):
        if isinstance(rec, Unit):
            units.append(rec)
        elif rec.type == GUIDES:
            guides.append((rec.source, rec.target))
        else:
            dispatches.append((rec.source, rec.target))
    ident = org_identity(provinces, cities, counties, seed)
    return OrgGraph(
        units,
        guides,
        dispatches,
        id=ident["id"],
        name=ident["name"],
        description=ident["description"],
        catalogue=catalogue,
    )


@dataclass
class GenerationSummary:
    """What :func:`write_generated` wrote: counts by kind and the workforce totals."""

    path: Path
    units: int = 0
    police: int = 0
    auxiliaries: int = 0
    guides: int = 0
    dispatches: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)


def _unit_json(u: Unit) -> str:
    d: dict[str, Any] = {}
    for k in UNIT_FIELDS:
        v = getattr(u, k)
        if v is not None:
            d[k] = v
    return json.dumps(d, ensure_ascii=False)


def _edge_json(link: Link) -> str:
    return json.dumps({"from": link.source, "to": link.target}, ensure_ascii=False)


def write_generated(
    path: str | Path,
    provinces: int,
    cities: int,
    counties: int,
    *,
    seed: int = 0,
    progress: Progress | None = None,
    catalogue: FunctionCatalogue | None = None,
) -> GenerationSummary:
    """Stream a generated organisation straight to a file, without building the graph.

    The file is the organisation file format (``docs/format.md``), one unit per line: JSON
    for ``.json``; for ``.yaml``/``.yml`` the same lines as YAML flow mappings (JSON-style,
    which YAML reads as is). It is written whole or not at all, and is the same byte for
    byte for the same arguments.

    Raises
    ------
    InputError
        The scale is invalid, or the suffix is not ``.json``, ``.yaml`` or ``.yml``.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in (".json", ".yaml", ".yml"):
        raise InputError(
            lazy(
                "{p}: unknown organisation file type {suffix!r} (use .json or .yaml)",
                p=p,
                suffix=suffix,
            )
        )
    check_scale(provinces, cities, counties)
    as_json = suffix == ".json"
    ident = org_identity(provinces, cities, counties, seed)
    summary = GenerationSummary(path=p)
    guides: list[str] = []
    dispatches: list[str] = []
    by_kind = summary.by_kind
    tmp = p.with_name(p.name + ".tmp")
    try:
        with tmp.open("w", encoding="utf-8", newline="\n") as f:
            if as_json:
                f.write(f'{{"orgmodel": {FORMAT_VERSION},\n')
                for k, v in ident.items():
                    f.write(f" {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)},\n")
                f.write(' "units": [\n')
            else:
                f.write(f"orgmodel: {FORMAT_VERSION}\n")
                for k, v in ident.items():
                    f.write(f"{k}: {json.dumps(v, ensure_ascii=False)}\n")
                f.write("units:\n")
            first = True
            for rec in generate_records(
                provinces, cities, counties, seed=seed, progress=progress, catalogue=catalogue
            ):
                if isinstance(rec, Unit):
                    if as_json:
                        f.write(("  " if first else ",\n  ") + _unit_json(rec))
                    else:
                        f.write("- " + _unit_json(rec) + "\n")
                    first = False
                    summary.units += 1
                    summary.police += rec.police
                    summary.auxiliaries += rec.auxiliaries
                    by_kind[rec.kind] = by_kind.get(rec.kind, 0) + 1
                elif rec.type == GUIDES:
                    guides.append(_edge_json(rec))
                else:
                    dispatches.append(_edge_json(rec))
            summary.guides, summary.dispatches = len(guides), len(dispatches)
            if as_json:
                f.write("\n ],\n")
                f.write(' "guides": [\n' + ",\n".join("  " + e for e in guides) + "\n ],\n")
                f.write(' "dispatches": [\n' + ",\n".join("  " + e for e in dispatches))
                f.write("\n ]\n}\n")
            else:
                for key, edges in (("guides", guides), ("dispatches", dispatches)):
                    f.write(f"{key}:" + (" []\n" if not edges else "\n"))
                    f.writelines(f"- {e}\n" for e in edges)
        tmp.replace(p)
    finally:
        tmp.unlink(missing_ok=True)
    return summary
