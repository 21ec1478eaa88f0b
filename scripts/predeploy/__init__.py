"""The pre-deploy check's parts; `scripts/check_deps.py` is the command that runs them.

One module per check, named as the report and docs/pre-deploy-check.md name it: `entrypoint`,
`imports`, `install`, `bundle`. What they use: `import_sites` (the imports under api/),
`distributions` (installed metadata), `import_names` (api/import_names.json, the index the
fallback's diagnosis reads: its one writer), `requirements` (the pin file), `deployment_tree` (the
function's tree from binary wheels, also for scripts/package_lambda.py), `bytecode`,
`interpreters` (a Python of a given version) and `report` (results, text and JSON).

Standard library only: the check runs before anything is installed for the target, and a check
that needs the project's packages could not catch the project's missing packages.
"""
