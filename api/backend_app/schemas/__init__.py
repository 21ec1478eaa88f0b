"""Request and response bodies (pydantic models), one module per resource."""
