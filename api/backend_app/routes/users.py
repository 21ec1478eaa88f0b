"""The signed-in user's own account: who am I. The password change is in `routes.password`.

GET /api/users/me is the first authenticated request of many clients, so this router declares
no pydantic field: FastAPI 0.165 builds one for a response model (and for a body or a query
parameter), and the first field it builds imports `pydantic.v1` to check the model is not a v1
one (`fastapi.utils.create_model_field` -> `annotation_is_pydantic_v1`; ~35 ms here).
The route serializes `UserOut` itself, as FastAPI does (`model_dump_json`), and the OpenAPI
schema names it by reference (`core.openapi.model_response`).
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from backend_app.core.auth_errors import AccountDisabledError
from backend_app.core.openapi import errors_of, model_response
from backend_app.deps import CurrentUser
from backend_app.schemas.users import UserOut

router = APIRouter(prefix="/api/users", tags=["users"], responses=errors_of(AccountDisabledError))


@router.get("/me", summary="Who am I", responses={200: model_response(UserOut)})
async def me(user: CurrentUser) -> Response:
    return Response(UserOut.of(user).model_dump_json(), media_type="application/json")
