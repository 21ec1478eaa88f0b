"""Parse `DATABASE_URL` into what the drivers need. Standard library only (settings use it).

Accepts what hosting providers hand out: `postgres://` (Heroku, Supabase, Neon) as well as
`postgresql://` and SQLAlchemy-style `postgresql+asyncpg://`; `sslmode=...` and `ssl=true`;
and `sqlite:///relative.db`, `sqlite:////absolute.db`. Error messages never contain the URL,
which usually carries a password. In production a URL without `sslmode` gets `require` (the
caller passes `default_sslmode`): asyncpg's own default, `prefer`, silently falls back to plain
text when the server (or someone in the middle) declines TLS.
"""

from __future__ import annotations

from typing import Literal, NamedTuple
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

POSTGRES_SCHEMES = {"postgres", "postgresql", "postgresql+asyncpg", "postgres+asyncpg"}
SQLITE_SCHEMES = {"sqlite", "sqlite+aiosqlite"}
SSLMODES = {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"}
# Options other tools put into the URL that asyncpg would send to the server as settings
# (and the server would reject): Prisma's `pgbouncer`, pool options of ORMs.
DROPPED_OPTIONS = {"pgbouncer", "connection_limit", "pool_timeout", "connect_timeout", "schema", "sslnegotiation"}
_TRUE = {"1", "true", "yes", "on", "require"}
_FALSE = {"0", "false", "no", "off", "disable"}


class DatabaseUrlError(ValueError):
    """DATABASE_URL cannot be used; the message names the problem, never the URL."""


class DatabaseTarget(NamedTuple):
    kind: Literal["postgresql", "sqlite"]
    dsn: str  # asyncpg DSN (postgresql://...) or the SQLite file path
    display: str  # safe to show: host and database name, or the file name

    @property
    def is_postgres(self) -> bool:
        return self.kind == "postgresql"


def parse_database_url(url: str, *, default_sslmode: str | None = None) -> DatabaseTarget:
    """`default_sslmode` applies to a PostgreSQL URL that names none (`sslmode=` or `ssl=`)."""
    url = url.strip()
    scheme, sep, rest = url.partition("://")
    scheme = scheme.lower()
    if not sep:
        raise DatabaseUrlError("must be a URL such as postgresql://user:password@host:5432/dbname")
    if scheme in SQLITE_SCHEMES:
        path = rest[1:] if rest.startswith("/") else rest
        if not path:
            raise DatabaseUrlError("sqlite URLs need a file path: sqlite:///data/app.sqlite3")
        return DatabaseTarget("sqlite", path, f"sqlite:{path.rsplit('/', 1)[-1]}")
    if scheme not in POSTGRES_SCHEMES:
        raise DatabaseUrlError(f"unsupported scheme {scheme!r}; use postgresql://, postgres:// or sqlite:///")
    parts = urlsplit("postgresql://" + rest)
    if not parts.hostname and "host=" not in parts.query:
        raise DatabaseUrlError("a PostgreSQL URL needs a host")
    options = []
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        lowered = key.lower()
        if lowered in DROPPED_OPTIONS:
            continue
        if lowered == "ssl":  # SQLAlchemy/node style: ssl=true -> sslmode=require
            if value.lower() in _TRUE:
                options.append(("sslmode", "require"))
            elif value.lower() in _FALSE:
                options.append(("sslmode", "disable"))
            else:
                raise DatabaseUrlError("ssl= must be true or false (or use sslmode=)")
            continue
        if lowered == "sslmode" and value not in SSLMODES:
            raise DatabaseUrlError("sslmode must be one of " + ", ".join(sorted(SSLMODES)))
        options.append((key, value))
    if default_sslmode is not None and not any(key.lower() == "sslmode" for key, _ in options):
        options.append(("sslmode", default_sslmode))
    dsn = urlunsplit(("postgresql", parts.netloc, parts.path, urlencode(options), ""))
    host = parts.hostname or "socket"
    database = parts.path.lstrip("/") or "(default)"
    return DatabaseTarget("postgresql", dsn, f"postgresql:{host}/{database}")
