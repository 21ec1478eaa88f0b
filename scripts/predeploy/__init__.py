"""The pre-deploy check's parts; `scripts/check_deps.py` is the command that runs them.

Standard library only: the check runs before anything is installed for the target, and a check
that needs the project's packages could not catch the project's missing packages.
"""
