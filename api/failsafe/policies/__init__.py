"""The policies the hardening layer (`failsafe.hardening`) applies to every request, one per module:
security headers, CORS, the deadline, the body limit and the path prefix. Standard library only."""
