"""Every command in README.md and docs/, and what tests/docs/test_commands.py does with it.

A command is a line of a ```bash block (a trailing backslash joins the next line; a trailing
`  # comment` is not part of it), or an inline code span that starts with a program
(`bash scripts/dev.sh --host 0.0.0.0`). Each one written in the docs is listed here, exactly as
written, as one of:

- `Run`: run with bash in a fresh copy of the project; the exit status (and, when given, a piece
  of the output) is checked.
- `Server`: started in a fresh copy, probed until its health path answers `healthy`, stopped.
  The port written in the command is swapped for a free one, and `PORT` set to it, so the test
  never collides with a server already running.
- `NotRun`: the reason it cannot run here.

A command in the docs that is missing here, or listed here and gone from the docs, fails the test.
"""

from __future__ import annotations

from typing import NamedTuple


class Run(NamedTuple):
    expect: str = ""  # a piece of stdout + stderr
    status: int = 0
    stdin: str = ""
    setup: tuple[str, ...] = ()  # commands run first, in the same copy
    during: str | None = None  # a `Server` command that runs meanwhile


class Server(NamedTuple):
    port: int
    health: str = "/api/health"
    setup: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = ()  # what the page says to have in the environment


class NotRun(NamedTuple):
    reason: str


Entry = Run | Server | NotRun

ENV_FILE = (
    "printf 'SECRET_KEY=%s\\nDATABASE_URL=sqlite:///%s/data/emulate.sqlite3\\n' "
    '"$(python3 -c \'import secrets; print(secrets.token_hex(32))\')" "$PWD" > emulate.env'
)
DEV = "bash scripts/dev.sh"
REGISTER = (
    "curl -s -X POST http://127.0.0.1:8000/api/auth/register -H 'Content-Type: application/json' "
    '-d \'{"email": "ann@example.com", "password": "correct horse battery"}\''
)
EMULATE = ".venv/bin/python scripts/emulate.py"
SELF_HOSTED = (
    ".venv/bin/python -m uvicorn api.index:app --host 0.0.0.0 --port 8000 --no-proxy-headers --http "
    "scripts.header_timeout:H11WithHeaderTimeout --timeout-keep-alive 5 --h11-max-incomplete-event-size 16384"
)

TEST_COMMAND = "the test command itself (this test runs under it)"
TOOLS = "the tools set-up step (Debian packages as root, ~780 MB into .tools/; .ci/run runs it; see docs/testing.md)"
CLOUD = "needs a cloud account"
PLACEHOLDER = "a placeholder URL: your deployment's"
CHECK_DEPS = (
    "installs api/requirements.txt for four target platforms from PyPI; "
    "tests/scripts/deploy/test_check_deps.py runs it on this project (and so on every CI run) and tests it"
)

COMMANDS: dict[str, Entry] = {
    # README.md
    DEV: Server(8000),
    "bash scripts/test.sh": NotRun(TEST_COMMAND),
    "PORT=8080 bash scripts/dev.sh": Server(8080),
    "bash scripts/dev.sh --host 0.0.0.0": Server(8000),
    "bash scripts/test.sh tests/failsafe -x": NotRun(TEST_COMMAND),
    ".venv/bin/python scripts/check_deps.py": NotRun(CHECK_DEPS),
    "python3 scripts/check_connection.py <your URL>": NotRun(PLACEHOLDER),
    # docs/getting-started.md
    "curl -s http://127.0.0.1:8000/api/health": Run(expect='"status":"healthy"', during=DEV),
    REGISTER: Run(expect="ann@example.com", during=DEV),
    REGISTER.replace("/register", "/login"): Run(expect="access_token", setup=(REGISTER,), during=DEV),
    "ENVIRONMENT=development .venv/bin/python scripts/create_admin.py admin@example.com": Run(
        expect="admin@example.com", stdin="correct horse battery\n"
    ),
    SELF_HOSTED: Server(
        8000, env=(("ENVIRONMENT", "production"), ("SECRET_KEY", "s" * 64), ("DATABASE_URL", "sqlite:///data/app.db"))
    ),
    # docs/emulator.md
    ENV_FILE: Run(),
    f"{EMULATE} serve --platform vercel --port 3000 --env-file emulate.env": Server(3000, setup=(ENV_FILE,)),
    f"{EMULATE} serve --platform lambda --format http --port 3000 --env-file emulate.env": Server(
        3000, setup=(ENV_FILE,)
    ),
    f"{EMULATE} serve --platform lambda --format rest --stage prod --port 3000 --runtime ric --env-file emulate.env": (
        Server(3000, health="/prod/api/health", setup=(ENV_FILE,))
    ),
    f"{EMULATE} serve --platform lambda --format alb --port 3000 --env-file emulate.env": Server(
        3000, setup=(ENV_FILE,)
    ),
    f"{EMULATE} serve --platform lambda --format http --port 3000 --env-file emulate.env --in-venv": Server(
        3000, setup=(ENV_FILE,)
    ),
    f"{EMULATE} invoke --format http --method GET --path /api/health --env-file emulate.env": Run(
        expect='"status": "healthy"', setup=(ENV_FILE,)
    ),
    f'{EMULATE} invoke --format rest --stage prod --path "/api/status?x=1" --runtime ric --env-file emulate.env': Run(
        expect='"backend_loaded": true', setup=(ENV_FILE,)
    ),
    f"{EMULATE} invoke --format alb --method POST --path /api/auth/login --env-file emulate.env "
    '--header "Content-Type: application/json" '
    '--body \'{"email": "ann@example.com", "password": "not-her-password"}\'': Run(
        expect="invalid_credentials", setup=(ENV_FILE,)
    ),
    # docs/errors.md
    "curl -s https://your-app.vercel.app/api/status | python3 -m json.tool": NotRun(PLACEHOLDER),
    'curl -s -H "X-Diagnostics-Token: $DIAGNOSTICS_TOKEN" https://your-app.vercel.app/api/status': NotRun(PLACEHOLDER),
    "python3 scripts/check_connection.py https://your-app.vercel.app": NotRun(PLACEHOLDER),
    # docs/testing.md
    "python -m pytest -n auto --dist loadfile --no-loadscope-reorder": NotRun(TEST_COMMAND),
    "bash scripts/test.sh -n 0": NotRun(TEST_COMMAND + ", serially"),
    ".venv/bin/python -m pytest": NotRun(TEST_COMMAND + ", serially"),
    # docs/architecture.md, docs/security.md, docs/adding-a-resource.md
    "DATABASE_URL=postgresql://... .venv/bin/python scripts/migrate.py": NotRun(
        "a placeholder URL: your PostgreSQL database's (tests/support/postgres.py migrates scratch databases with it)"
    ),
    ".venv/bin/alembic -c migrations/alembic.ini upgrade head": NotRun(
        "needs DATABASE_URL of your PostgreSQL database; the same migrations as scripts/migrate.py"
    ),
    "DATABASE_URL=... .venv/bin/python scripts/create_admin.py admin@example.com": NotRun(
        "a placeholder URL: your database's (the getting-started form runs)"
    ),
    "bash scripts/test.sh tests/backend/routes/test_notes.py": NotRun(
        "the worked example's own run: tests/docs/test_readme_example.py applies the page and runs its tests"
    ),
    # docs/deploy-vercel.md, docs/deploy-aws.md, docs/pre-deploy-check.md, docs/configuration.md
    "npm i -g vercel": NotRun("a global install (docs/testing.md: scripts/tools/vercel.sh installs it into .tools/)"),
    "vercel link": NotRun(CLOUD),
    "vercel env add SECRET_KEY": NotRun(CLOUD),
    "vercel env add": NotRun(CLOUD),
    "vercel deploy --prod": NotRun(CLOUD),
    "vercel env add VERCEL_PYTHON_COMPILEALL": NotRun(CLOUD),
    "vercel deploy": NotRun(CLOUD),
    "vercel deploy --prebuilt": NotRun(CLOUD),
    "vercel build --standalone": NotRun(
        "needs the Vercel CLI from the tools set-up step; tests/scripts/deploy/test_vercel_build.py runs it"
    ),
    "vercel build": NotRun(
        "needs the Vercel CLI from the tools set-up step; tests/scripts/deploy/test_vercel_build.py runs it"
    ),
    "bash scripts/tools/sam.sh": NotRun(TOOLS),
    "bash scripts/setup-tools.sh": NotRun(TOOLS),
    "VENV=.venv-3.13 PYTHON_VERSION=3.13 bash scripts/bootstrap.sh": NotRun(
        "a second venv on Python 3.13 (~1 min of installs); .ci/run makes it on every run"
    ),
    'export PATH="$PWD/.tools/sam/bin:$PATH"': Run(),
    "sam build": NotRun("needs the SAM CLI from the tools set-up step; tests/scripts/deploy/test_sam_build.py runs it"),
    "sam validate --lint": NotRun(
        "needs the SAM CLI from the tools set-up step; tests/scripts/deploy/test_sam_build.py runs it"
    ),
    "sam deploy --guided": NotRun(CLOUD),
    "python scripts/package_lambda.py [--python 3.12|3.13|3.14] [--arch arm64|x86_64]": NotRun(
        "a synopsis (the brackets are options); tests/scripts/deploy/test_package_lambda.py builds the zip"
    ),
    ".venv/bin/python scripts/check_deps.py --only entrypoint,imports": Run(expect="entrypoint"),
    ".venv/bin/python scripts/check_deps.py --json": NotRun(CHECK_DEPS),
    ".venv/bin/python scripts/import_names.py": Run(expect="api/import_names.json is current"),
    "bash scripts/bootstrap.sh": Run(),
    # docs/operating-and-troubleshooting.md
    "python3 scripts/check_connection.py https://abc123.execute-api.eu-west-1.amazonaws.com/prod "
    "--origin https://your-frontend.example": NotRun(PLACEHOLDER),
    "python3 scripts/check_connection.py https://your-app.vercel.app --json --timeout 5": NotRun(PLACEHOLDER),
    "python3 scripts/check_connection.py https://your-app": NotRun(PLACEHOLDER),
    "python3 scripts/check_connection.py http://localhost:8000": NotRun(
        "describes a server reachable only inside a container or VM (tests/scripts/test_check_connection.py has it)"
    ),
    "python3 scripts/check_connection.py https://your-api --origin https://your-frontend": NotRun(PLACEHOLDER),
    "python3 scripts/check_connection.py <api> --origin <page origin>": NotRun(PLACEHOLDER),
    "python3 scripts/check_connection.py https://your-app --timeout 5": NotRun(PLACEHOLDER),
    "python3 scripts/check_connection.py https://your-domain": NotRun(PLACEHOLDER),
}
