"""The API's routers. `create_app` includes every router of `ROUTERS`, in this order (the order of
the OpenAPI schema and the docs); a new resource adds its module here and its router to the list.
"""

from fastapi import APIRouter

from backend_app.routes import admin, auth, health, password, users

ROUTERS: list[APIRouter] = [health.router, auth.router, users.router, password.router, admin.router]
