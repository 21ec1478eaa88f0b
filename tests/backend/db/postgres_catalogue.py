"""A PostgreSQL database's schema (the `public` one, without Alembic's table), read from pg_catalog."""

from __future__ import annotations

import asyncpg

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

# The PostgreSQL types the migrations use, as the type families `schemas` compares.
PG_TYPES = {
    "text": "text",
    "uuid": "text",
    "timestamp with time zone": "text",
    "integer": "integer",
    "bigint": "integer",
    "boolean": "boolean",
}
# pg_constraint's confdeltype/confupdtype letters, as SQLite's foreign_key_list spells them.
PG_ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}


async def postgres_schema(url: str) -> Schema:
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1), timeout=5)
    try:
        return await _read_postgres(conn)
    finally:
        await conn.close()


async def _read_postgres(conn: asyncpg.Connection) -> Schema:
    tables = [
        row["relname"]
        for row in await conn.fetch(
            "SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace "
            "AND relname <> 'alembic_version'"
        )
    ]
    schema: Schema = {}
    for table in tables:
        columns = {
            row["column_name"]: Column(
                comparable_type(PG_TYPES, row["data_type"]),
                row["is_nullable"] == "NO",
                canonical_default(row["column_default"]),
            )
            for row in await conn.fetch(
                "SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns "
                "WHERE table_schema = 'public' AND table_name = $1",
                table,
            )
        }
        constraints = await conn.fetch(
            "SELECT c.contype::text, c.conindid, pg_get_constraintdef(c.oid) AS definition,"
            " c.confdeltype::text, c.confupdtype::text,"
            " f.relname AS foreign_table,"
            " ARRAY(SELECT attname FROM unnest(c.conkey) WITH ORDINALITY k(n, i)"
            "       JOIN pg_attribute ON attrelid = c.conrelid AND attnum = k.n ORDER BY k.i) AS columns,"
            " ARRAY(SELECT attname FROM unnest(c.confkey) WITH ORDINALITY k(n, i)"
            "       JOIN pg_attribute ON attrelid = c.confrelid AND attnum = k.n ORDER BY k.i) AS references"
            " FROM pg_constraint c LEFT JOIN pg_class f ON f.oid = c.confrelid"
            " WHERE c.conrelid = $1::regclass",
            table,
        )
        primary_key: tuple[str, ...] = ()
        unique: set[tuple[str, ...]] = set()
        foreign_keys: set[ForeignKey] = set()
        checks: set[str] = set()
        for row in constraints:
            if row["contype"] == "p":
                primary_key = tuple(row["columns"])
            elif row["contype"] == "u":
                unique.add(tuple(row["columns"]))
            elif row["contype"] == "f":
                foreign_keys.add(
                    ForeignKey(
                        tuple(row["columns"]),
                        row["foreign_table"],
                        tuple(row["references"]),
                        PG_ACTIONS[row["confdeltype"]],
                        PG_ACTIONS[row["confupdtype"]],
                    )
                )
            elif row["contype"] == "c":
                checks.add(canonical_check(row["definition"].removeprefix("CHECK").strip()))
        behind_constraints = {row["conindid"] for row in constraints if row["conindid"]}
        indexes: set[Index] = set()
        for row in await conn.fetch(
            "SELECT i.indexrelid, c.relname, i.indisunique,"
            " ARRAY(SELECT attname FROM unnest(i.indkey) WITH ORDINALITY k(n, o)"
            "       JOIN pg_attribute ON attrelid = i.indrelid AND attnum = k.n ORDER BY k.o) AS columns"
            " FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = $1::regclass",
            table,
        ):
            if row["indexrelid"] in behind_constraints:
                continue
            if row["indisunique"]:
                unique.add(tuple(row["columns"]))
            indexes.add(Index(row["relname"], tuple(row["columns"]), row["indisunique"]))
        schema[table] = Table(
            columns, primary_key, frozenset(unique), frozenset(indexes), frozenset(foreign_keys), frozenset(checks)
        )
    return schema
