"""An SQLite database's schema, read from its PRAGMAs (checks from the CREATE TABLE text)."""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from tests.backend.db.schemas import (
    Column,
    ForeignKey,
    Index,
    Schema,
    Table,
    canonical_check,
    canonical_default,
    comparable_type,
)

# Declared SQLite types, as the families `schemas` compares.
SQLITE_TYPES = {"TEXT": "text", "INTEGER": "integer", "BOOLEAN": "boolean"}


def _sqlite_checks(create_table: str) -> frozenset[str]:
    """The CHECK expressions of a CREATE TABLE statement (SQLite keeps them only in its text)."""
    checks = []
    for match in re.finditer(r"\bCHECK\s*\(", create_table, re.I):
        depth, start = 1, match.end()
        for end in range(start, len(create_table)):
            depth += {"(": 1, ")": -1}.get(create_table[end], 0)
            if depth == 0:
                checks.append(canonical_check(create_table[start:end]))
                break
    return frozenset(checks)


def sqlite_schema(conn: sqlite3.Connection) -> Schema:
    schema: Schema = {}
    tables = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    for table, sql in tables.fetchall():
        info = conn.execute(f"PRAGMA table_info('{table}')").fetchall()
        primary_key = tuple(row[1] for row in sorted(info, key=lambda row: row[5]) if row[5])
        # A PRIMARY KEY column that is not INTEGER may hold NULL in SQLite (a quirk kept for old
        # files) but never does here: the stores always write it. PostgreSQL's is NOT NULL.
        columns = {
            row[1]: Column(
                comparable_type(SQLITE_TYPES, row[2].upper()),
                bool(row[3]) or row[1] in primary_key,
                canonical_default(row[4]),
            )
            for row in info
        }
        unique: set[tuple[str, ...]] = set()
        indexes: set[Index] = set()
        for _, name, is_unique, origin, _partial in conn.execute(f"PRAGMA index_list('{table}')").fetchall():
            if origin == "pk":
                continue
            cols = tuple(row[2] for row in conn.execute(f"PRAGMA index_info('{name}')").fetchall())
            if is_unique:
                unique.add(cols)
            if origin == "c":
                indexes.add(Index(name, cols, bool(is_unique)))
        keys: dict[int, list[Any]] = {}
        for row in conn.execute(f"PRAGMA foreign_key_list('{table}')").fetchall():
            keys.setdefault(row[0], []).append(row)
        foreign_keys = frozenset(
            ForeignKey(tuple(r[3] for r in rows), rows[0][2], tuple(r[4] for r in rows), rows[0][6], rows[0][5])
            for rows in keys.values()
        )
        schema[table] = Table(
            columns, primary_key, frozenset(unique), frozenset(indexes), foreign_keys, _sqlite_checks(sql)
        )
    return schema
