"""A database's schema in one shape for SQLite and PostgreSQL, and how two of them differ.

Each side is read from the database's own catalogue (`sqlite_catalogue`, `postgres_catalogue`),
not from the SQL that made it, so the comparison sees what the database enforces. Types are
compared as far as the two can be: SQLite keeps UUIDs and timestamps as TEXT (the stores write
them so), so `uuid` and `timestamptz` count as text there. Names are compared where the schema
chooses them (explicit indexes), not where each database names a constraint itself.
"""

from __future__ import annotations

import re
from typing import NamedTuple


class Column(NamedTuple):
    type: str
    not_null: bool
    default: str | None


class ForeignKey(NamedTuple):
    columns: tuple[str, ...]
    table: str
    references: tuple[str, ...]
    on_delete: str
    on_update: str


class Index(NamedTuple):
    name: str
    columns: tuple[str, ...]
    unique: bool


class Table(NamedTuple):
    columns: dict[str, Column]
    primary_key: tuple[str, ...]
    unique: frozenset[tuple[str, ...]]  # unique constraints and unique indexes, by their columns
    indexes: frozenset[Index]  # indexes the schema creates by name (not those behind a constraint)
    foreign_keys: frozenset[ForeignKey]
    checks: frozenset[str]  # in one canonical spelling (`canonical_check`)


Schema = dict[str, Table]


def comparable_type(mapping: dict[str, str], declared: str) -> str:
    # An unknown type differs from everything, by name: a new type gets mapped, not missed.
    return mapping.get(declared, f"unmapped type {declared!r}")


def canonical_default(default: str | None) -> str | None:
    """`'user'::text` and `'user'`, `true` and `1` are one default."""
    if default is None:
        return None
    value = re.sub(r"::[a-z ]+", "", default.strip()).strip("()")
    return {"true": "1", "false": "0"}.get(value.lower(), value)


def canonical_check(expression: str) -> str:
    """`role IN ('user', 'admin')` and PostgreSQL's `(role = ANY (ARRAY['user'::text, 'admin'::text]))`
    as `role in ('admin', 'user')`; any other check lower-cased with casts and spaces removed."""
    text = re.sub(r"::[a-z ]+", "", expression).strip()
    while text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    found = re.fullmatch(r"(\w+)\s+IN\s*\((.*)\)", text, re.I) or re.fullmatch(
        r"\(?(\w+)\)?\s*=\s*ANY\s*\(\s*\(?ARRAY\[(.*)\]\)?\s*\)", text, re.I
    )
    if found:
        values = sorted(value.strip() for value in found[2].split(","))
        return f"{found[1].lower()} in ({', '.join(values)})"
    return re.sub(r"\s+", "", text.lower())


def differences(sqlite: Schema, postgres: Schema) -> list[str]:
    """Each way the two schemas differ, said for a person; empty when they agree."""
    found = []
    for table in sorted(sqlite.keys() | postgres.keys()):
        if table not in postgres:
            found.append(f"table {table}: only in the SQLite schema")
            continue
        if table not in sqlite:
            found.append(f"table {table}: only in the migrations")
            continue
        left, right = sqlite[table], postgres[table]
        for column in sorted(left.columns.keys() | right.columns.keys()):
            a, b = left.columns.get(column), right.columns.get(column)
            if a != b:
                found.append(f"{table}.{column}: SQLite {a}, migrations {b}")
        for field in Table._fields[1:]:
            a, b = getattr(left, field), getattr(right, field)
            if a != b:
                found.append(
                    f"{table} {field}: SQLite {sorted(a) if isinstance(a, frozenset) else a}, "
                    f"migrations {sorted(b) if isinstance(b, frozenset) else b}"
                )
    return found
