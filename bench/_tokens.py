"""A registered user and a valid access token for it, for the benchmarks of the first authenticated request.

The user is registered through the backend itself (`create_app(settings)`), in the database the
settings name, so the token is one the measured process accepts.
"""

from __future__ import annotations

import asyncio
import sys

from _runner import ROOT

sys.path.insert(0, str(ROOT / "api"))  # the dev venv's backend, to register the user the token is for

from backend_app.core.config import Settings
from backend_app.main import create_app
from backend_app.services.container import services_of


def mint_token(settings: Settings) -> str:
    app = create_app(settings)

    async def register() -> str:
        services = services_of(app)
        user = await services.auth.register("bench@example.com", "bench password 123")
        token, _ = services.auth.tokens.issue("access", user.id, user.token_version, "bench-session")
        await services.stop()
        return str(token)

    return asyncio.run(register())
