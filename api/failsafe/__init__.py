"""The part of the template that must work when nothing else does.

Everything in this package imports the standard library only: it is what answers when FastAPI,
pydantic, Mangum or the backend itself cannot be imported. The backend may import it (for the
shared environment-variable rules and the error envelope); it must never import the backend.
"""
