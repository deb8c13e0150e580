"""Settings of the HTTP service: where the store is, who may call it, and the input limits.

Access is by bearer token. Each token has a role — ``viewer`` (read), ``planner`` (also
scenarios and queries) or ``admin`` (also create, replace and delete organisations) — and
optionally a name, recorded as the author of what that caller writes. Tokens come from a
YAML/JSON file (``--tokens FILE`` or ``ORGMODEL_TOKENS_FILE``) or from the environment
variable ``ORGMODEL_TOKENS``. Either holds one of::

    tokens:                         # a list of records
      - {token: s3cret-admin, role: admin, name: 张三}
      - {token: s3cret-view, role: viewer}

    {"s3cret-admin": "admin", "s3cret-view": "viewer"}    # a mapping token → role

``ORGMODEL_TOKENS`` may also be the short form ``TOKEN=ROLE,TOKEN=ROLE``.

With no token configured the service runs in *local mode*: every caller is an admin, so it
binds to the loopback interface only and refuses any other address.
"""

from __future__ import annotations

import ipaddress
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from orgmodel._pydantic_reasons import pydantic_reason
from orgmodel._yaml import load_yaml
from orgmodel.errors import InputError
from orgmodel.i18n import lazy
from orgmodel.store.query_door import DEFAULT_QUERY_TIMEOUT_S, DoorLimits

__all__ = [
    "DEFAULT_STORE",
    "LOOPBACK_HOST",
    "Role",
    "Settings",
    "TokenRecord",
    "WorkLimits",
    "is_loopback",
    "load_tokens",
    "parse_tokens",
]

LOOPBACK_HOST = "127.0.0.1"
#: ``None``: the store's own default (``$ORGMODEL_STORE``, else ``./data/orgmodel.lbdb``).
DEFAULT_STORE: str | None = None


class Role(IntEnum):
    """Roles, ordered: each one may do everything the ones below it may do."""

    viewer = 1
    planner = 2
    admin = 3

    @classmethod
    def parse(cls, value: Any, where: str) -> Role:
        try:
            return cls[str(value).strip().lower()]
        except KeyError:
            known = ", ".join(r.name for r in cls)
            raise InputError(
                lazy(
                    "{where}: unknown role {value!r} (known: {known})",
                    where=where,
                    value=value,
                    known=known,
                )
            ) from None


@dataclass(frozen=True, slots=True)
class TokenRecord:
    """One bearer token: its role and the name written as author of the caller's changes."""

    token: str
    role: Role
    name: str

    def __repr__(self) -> str:  # never print a secret
        return f"TokenRecord(role={self.role.name}, name={self.name!r})"


def _record(token: Any, role: Any, name: Any, where: str) -> TokenRecord:
    if not isinstance(token, str) or len(token.strip()) < 8:
        raise InputError(
            lazy("{where}: a token must be a string of at least 8 characters", where=where)
        )
    r = Role.parse(role, where)
    return TokenRecord(token.strip(), r, str(name) if name else f"{r.name} token")


def parse_tokens(data: Any, source: str) -> dict[str, TokenRecord]:
    """Token records from parsed YAML/JSON data (see the module docstring for the shapes).

    Raises
    ------
    InputError
        A record has no token, a short token, an unknown role, or the data has another shape.
    """
    if isinstance(data, Mapping) and "tokens" in data:
        data = data["tokens"]
    records: list[TokenRecord] = []
    if isinstance(data, Mapping):
        for i, (tok, role) in enumerate(data.items()):
            records.append(
                _record(tok, role, None, lazy("{source}: entry {n}", source=source, n=i + 1))
            )
    elif isinstance(data, list):
        for i, row in enumerate(data):
            where = lazy("{source}: tokens[{i}]", source=source, i=i)
            if not isinstance(row, Mapping):
                raise InputError(
                    lazy("{where} must be {{token: …, role: …, name: …}}", where=where)
                )
            records.append(_record(row.get("token"), row.get("role"), row.get("name"), where))
    elif data is None:
        return {}
    else:
        raise InputError(
            lazy(
                "{source}: expected 'tokens: [{{token, role, name}}, …]' or a mapping token → role",
                source=source,
            )
        )
    out: dict[str, TokenRecord] = {}
    for r in records:
        if r.token in out:
            raise InputError(
                lazy("{source}: a token appears twice (roles must be unambiguous)", source=source)
            )
        out[r.token] = r
    return out


def _parse_env(text: str) -> dict[str, TokenRecord]:
    text = text.strip()
    if not text:
        return {}
    if text[0] in "{[" or "\n" in text:
        try:
            data = load_yaml(text)
        except yaml.YAMLError as e:
            raise InputError(
                lazy("{var}: malformed YAML/JSON: {error}", var="ORGMODEL_TOKENS", error=e)
            ) from None
        tokens = parse_tokens(data, "ORGMODEL_TOKENS")
        if not tokens:  # set, but to no token ({}, tokens: []): not local mode in silence
            raise _no_token("ORGMODEL_TOKENS")
        return tokens
    pairs: dict[str, str] = {}
    for i, part in enumerate(p for p in text.split(",") if p.strip()):
        tok, sep, role = part.partition("=")
        if not sep:
            raise InputError(
                lazy("{var}: entry {n} must be TOKEN=ROLE", var="ORGMODEL_TOKENS", n=i + 1)
            )
        if tok.strip() in pairs:  # 'T=admin,T=viewer': the dict would keep the last role
            raise InputError(
                lazy(
                    "{source}: a token appears twice (roles must be unambiguous)",
                    source="ORGMODEL_TOKENS",
                )
            )
        pairs[tok.strip()] = role.strip()
    if not pairs:  # ',' names no token: not local mode in silence, as '{}' is not
        raise _no_token("ORGMODEL_TOKENS")
    return parse_tokens(pairs, "ORGMODEL_TOKENS")


def _no_token(source: str | Path) -> InputError:
    """Tokens given (a file, the variable) that hold none: without a token the server runs
    in local mode, every caller an admin, which whoever gave them did not ask for."""
    return InputError(
        lazy(
            "{source}: holds no token; without one the server would run in local mode, every "
            "caller an admin. Give at least one token, or no tokens at all to serve this "
            "machine alone",
            source=source,
        )
    )


class _KeyTwice(ValueError):
    """A JSON object gives a key twice."""


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    d = dict(pairs)
    if len(d) != len(pairs):
        raise _KeyTwice
    return d


def load_tokens(path: str | Path) -> dict[str, TokenRecord]:
    """Token records from a YAML or JSON file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(lazy("{p}: no such tokens file", p=p)) from None
    except IsADirectoryError:
        raise InputError(lazy("{p}: a folder, not a tokens file", p=p)) from None
    except PermissionError:
        raise InputError(
            lazy("{p}: permission denied (the tokens file cannot be read)", p=p)
        ) from None
    except UnicodeDecodeError:
        raise InputError(lazy("{p}: not UTF-8 text", p=p)) from None
    try:
        # a JSON key given twice (a token with two roles) is refused, as YAML's is
        data = (
            json.loads(text, object_pairs_hook=_unique_pairs)
            if p.suffix.lower() == ".json"
            else load_yaml(text)
        )
    except _KeyTwice:  # json.loads kept the last: a token given twice took its last role
        raise InputError(
            lazy("{source}: a token appears twice (roles must be unambiguous)", source=p)
        ) from None
    except (json.JSONDecodeError, yaml.YAMLError) as e:
        raise InputError(lazy("{p}: malformed tokens file: {error}", p=p, error=e)) from None
    tokens = parse_tokens(data, str(p))
    if not tokens:
        # Without a token the server runs in local mode, every caller an admin: a file given
        # to share the server must not quietly open it to whoever reaches the machine.
        raise _no_token(p)
    return tokens


def is_loopback(host: str) -> bool:
    """Whether a bind address or client address is the local machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class WorkLimits(BaseSettings):
    """How much heavy work the server does at once, and how much more it lets wait.

    Heavy work — reading a plan or an uploaded organisation, applying a plan, metric
    reports, diffs, exports — runs in worker threads, never on the event loop, so that
    ``/health`` and listings answer while it runs. At most ``heavy_workers`` such jobs run at
    once; up to ``heavy_queue`` more wait their turn; a request beyond that gets 503
    ``busy`` with ``Retry-After: retry_after_s`` instead of piling up.

    Read from ``ORGMODEL_HEAVY_WORKERS``, ``ORGMODEL_HEAVY_QUEUE`` and
    ``ORGMODEL_RETRY_AFTER``.
    """

    model_config = SettingsConfigDict(env_prefix="ORGMODEL_", extra="ignore", frozen=True)

    heavy_workers: int = Field(2, ge=1, le=256, description="heavy jobs running at once")
    heavy_queue: int = Field(256, ge=0, le=100_000, description="heavy jobs waiting, at most")
    retry_after_s: int = Field(
        2, ge=1, le=3600, alias="ORGMODEL_RETRY_AFTER", description="Retry-After of a 503"
    )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> WorkLimits:
        """The limits from ``env`` (the process environment by default).

        Raises
        ------
        InputError
            A value that is not a whole number in range, naming the variable.
        """
        try:
            if env is None or env is os.environ:
                return cls()  # type: ignore[call-arg]  # the fields come from the environment
            # Every field given, so that the process environment does not fill any in.
            fields = cls.model_fields
            data: dict[str, Any] = {
                "heavy_workers": env.get("ORGMODEL_HEAVY_WORKERS")
                or fields["heavy_workers"].default,
                "heavy_queue": env.get("ORGMODEL_HEAVY_QUEUE") or fields["heavy_queue"].default,
                "ORGMODEL_RETRY_AFTER": env.get("ORGMODEL_RETRY_AFTER")
                or fields["retry_after_s"].default,
            }
            return cls(**data)
        except ValidationError as e:
            err = e.errors()[0]
            loc = str(err["loc"][0]) if err.get("loc") else "?"
            var = loc if loc.startswith("ORGMODEL_") else f"ORGMODEL_{loc.upper()}"
            raise InputError(
                lazy("{var}: {reason}", var=var, reason=pydantic_reason(err))
            ) from None


@dataclass
class Settings:
    """Everything :func:`api.app.create_app` needs; build it with :meth:`from_env` or directly.

    Attributes
    ----------
    store : str, optional
        Store URI for :func:`orgmodel.store.open_store`: a file path for the embedded
        LadybugDB store, ``bolt://…`` for Neo4j; ``None`` for the store's default.
    tokens : mapping of token to TokenRecord
        Empty means local mode (loopback only, every caller is admin).
    host, port : str, int
        Where ``orgmodel serve`` binds; checked by :meth:`check_bind`.
    max_upload_bytes : int
        Largest request body accepted (413 above it).
    query_timeout_s : float
        Longest a Cypher query or metric computation may run (504 after it).
    query_limits : DoorLimits
        Sizes a user query may have at the query door (length, nesting, list items, the
        values it builds); ``ORGMODEL_QUERY_MAX_CHARS``, ``ORGMODEL_QUERY_MAX_DEPTH``,
        ``ORGMODEL_QUERY_MAX_LIST``, ``ORGMODEL_QUERY_MAX_VALUE``.
    seed : bool
        Load the seed organisations and plans into an empty store on start.
    work : WorkLimits
        Heavy jobs at once and waiting (``ORGMODEL_HEAVY_WORKERS``, ``ORGMODEL_HEAVY_QUEUE``,
        ``ORGMODEL_RETRY_AFTER``).
    """

    store: str | None = DEFAULT_STORE
    tokens: Mapping[str, TokenRecord] = field(default_factory=dict)
    host: str = LOOPBACK_HOST
    port: int = 8000
    max_upload_bytes: int = 5 * 1024 * 1024
    query_timeout_s: float = DEFAULT_QUERY_TIMEOUT_S
    query_max_rows: int = 10_000
    query_limits: DoorLimits = field(default_factory=DoorLimits)
    seed: bool = True
    max_page: int = 1000
    work: WorkLimits = field(default_factory=WorkLimits.from_env)

    @property
    def local_mode(self) -> bool:
        """No tokens: every caller is an admin, and only loopback callers are served."""
        return not self.tokens

    @classmethod
    def from_env(
        cls,
        *,
        store: str | None = None,
        host: str | None = None,
        port: int | None = None,
        tokens_file: str | Path | None = None,
        env: Mapping[str, str] | None = None,
        **overrides: Any,
    ) -> Settings:
        """Settings from arguments, falling back to ``ORGMODEL_*`` environment variables.

        ``ORGMODEL_STORE``, ``ORGMODEL_HOST``, ``ORGMODEL_PORT``, ``ORGMODEL_TOKENS_FILE``,
        ``ORGMODEL_TOKENS``, ``ORGMODEL_MAX_UPLOAD_BYTES``, ``ORGMODEL_QUERY_TIMEOUT`` and
        those of :class:`WorkLimits`. Tokens from the file and from ``ORGMODEL_TOKENS`` are merged.
        """
        env = os.environ if env is None else env
        tokens: dict[str, TokenRecord] = {}
        tf = tokens_file or env.get("ORGMODEL_TOKENS_FILE")
        if tf:
            tokens.update(load_tokens(tf))
        tokens.update(_parse_env(env.get("ORGMODEL_TOKENS", "")))

        def num(name: str, conv: Any, default: Any) -> Any:
            raw = env.get(name)
            if raw is None or raw == "":
                return default
            try:
                return conv(raw)
            except ValueError:
                raise InputError(
                    lazy("{name}: not a number: {value!r}", name=name, value=raw)
                ) from None

        kw: dict[str, Any] = {
            "store": store or env.get("ORGMODEL_STORE") or DEFAULT_STORE,
            "host": host or env.get("ORGMODEL_HOST") or LOOPBACK_HOST,
            "port": port if port is not None else num("ORGMODEL_PORT", int, 8000),
            "tokens": tokens,
            "max_upload_bytes": num("ORGMODEL_MAX_UPLOAD_BYTES", int, 5 * 1024 * 1024),
            "query_timeout_s": num("ORGMODEL_QUERY_TIMEOUT", float, DEFAULT_QUERY_TIMEOUT_S),
            "query_limits": DoorLimits.from_env(env),
            "work": WorkLimits.from_env(env),
        }
        kw.update(overrides)
        return cls(**kw)

    def check_bind(self) -> None:
        """Refuse to serve beyond this machine without tokens.

        Raises
        ------
        InputError
            In local mode (no tokens) with a host that is not a loopback address.
        """
        if self.local_mode and not is_loopback(self.host):
            raise InputError(
                lazy(
                    "refusing to bind to {host}: no access tokens are configured, so the server "
                    "runs in local mode (every caller is admin) and binds to 127.0.0.1 only. "
                    "Configure tokens with --tokens FILE or ORGMODEL_TOKENS to serve other hosts.",
                    host=self.host,
                )
            )
