"""`api.index`, the front door, imported again under another environment, and its connections closed."""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Iterator
from typing import Any

import pytest


def close_entry(entry: Any) -> None:
    """Close the database connections of a loaded `api.index` on the handler's own event loop."""
    from backend_app.services.container import services_of

    loaded = entry.app.loaded
    database = services_of(loaded.backend).database if loaded is not None and loaded.backend is not None else None
    loop = entry.handler._loop
    if loop is not None and not loop.is_closed():
        if loaded is not None and loaded.lifespan is not None and loaded.lifespan.started:
            loop.run_until_complete(loaded.lifespan.shutdown())  # the backend's lifespan closes the database
        if database is not None:
            loop.run_until_complete(database.close())
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()


@contextlib.contextmanager
def entry_under(env: dict[str, str]) -> Iterator[Any]:
    """`api.index` re-imported with `env` in the environment and the settings read again; restored after."""
    import api.index
    from backend_app.core.config import get_settings

    with pytest.MonkeyPatch.context() as patch:
        close_entry(api.index)
        for name, value in env.items():
            patch.setenv(name, value)
        get_settings.cache_clear()
        try:
            yield importlib.reload(api.index)
        finally:
            close_entry(api.index)
    get_settings.cache_clear()
    importlib.reload(api.index)
