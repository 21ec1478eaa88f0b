"""Helpers shared by tests in several folders, one module per need (docs/testing.md lists them)."""
