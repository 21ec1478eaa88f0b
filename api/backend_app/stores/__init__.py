"""Stores: the SQL of the backend's tables, one module per table family (`users`: users and revoked tokens).

A store method takes a `Connection` from `DatabaseService.transaction()` and returns typed rows;
services decide the units of work, routes call services (docs/adding-a-resource.md).
"""
