"""The deploy files as written: vercel.json, public/, .vercelignore, the CI workflow, the SAM template (linted)."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from scripts.predeploy.deployment_tree import LAMBDA_PYTHONS
from tests.scripts.deploy.conftest import installed_tool, run
from tests.support.paths import ROOT


def test_vercel_json_sends_every_api_path_to_the_one_function() -> None:
    config = json.loads((ROOT / "vercel.json").read_text(encoding="utf-8"))
    assert config["rewrites"] == [{"source": "/api/(.*)", "destination": "/api/index"}]
    assert "builds" not in config and "routes" not in config  # legacy; `builds` + `functions` is rejected
    function = config["functions"]["api/index.py"]
    assert 10 <= function["maxDuration"] <= 60
    for folder in ("tests", "bench", "scripts"):
        assert f"{folder}/**" in function["excludeFiles"]
    # Builds that `vercel deploy` starts get the builder's bytecode opt-in from here.
    assert config["build"]["env"] == {"VERCEL_PYTHON_COMPILEALL": "1"}


def test_static_files_get_security_headers_and_the_api_keeps_its_own() -> None:
    config = json.loads((ROOT / "vercel.json").read_text(encoding="utf-8"))
    [rule] = config["headers"]
    names = {header["key"] for header in rule["headers"]}
    assert {"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"} <= names
    # The static pages' CSP is not the API's: /api/docs sets its own (inline scripts by hash).
    pattern = re.compile("^" + rule["source"] + "$")  # path-to-regexp; this one is also a Python regex
    assert pattern.match("/index.html") and not pattern.match("/api/docs")


def test_only_public_is_served_and_nothing_makes_it_a_node_project() -> None:
    assert (ROOT / "public" / "index.html").is_file()
    assert not (ROOT / "package.json").exists()
    ignored = (ROOT / ".vercelignore").read_text(encoding="utf-8").split()
    for name in ("tests", "scripts", ".venv", ".tools", "requirements-dev.txt"):
        assert name in ignored


def test_the_workflow_runs_what_ci_runs() -> None:
    workflow = (ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    stages = re.findall(r'^stage "[^"]+" (.+)$', (ROOT / "scripts" / "test.sh").read_text(encoding="utf-8"), re.M)
    commands = [stage.replace(' "$@"', "") for stage in stages if "bootstrap" not in stage]
    commands.append(".venv/bin/python scripts/check_deps.py")
    assert len(commands) >= 5
    for command in commands:
        assert f"run: {command}" in workflow, command
    assert 'python: ["3.12", "3.13"]' in workflow
    assert "postgres:" in workflow and "redis:" in workflow


def test_the_workflow_audits_the_function_s_requirements_ignoring_only_what_the_docs_explain() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8"))
    [(job, audit)] = [
        (job, step["run"])
        for job in workflow["jobs"].values()
        for step in job["steps"]
        if "pip_audit" in step.get("run", "")
    ]
    assert "--requirement api/requirements.txt" in audit and "--strict" in audit
    # Both databases: PyPI's misses advisories that OSV lists.
    assert "--vulnerability-service ${{ matrix.service }}" in audit
    assert set(job["strategy"]["matrix"]["service"]) == {"pypi", "osv"}
    ignored = set(re.findall(r"--ignore-vuln (\S+)", audit))
    # the docs' advisories table: each row names its ids and says why it is not reachable
    security = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    rows = [line for line in security.splitlines() if line.startswith("| ") and re.search(r"(CVE|GHSA)-", line)]
    documented = {
        found for row in rows for found in re.findall(r"\b((?:CVE-\d{4}-\d+)|(?:GHSA(?:-[a-z0-9]{4}){3}))", row)
    }
    assert ignored and ignored == documented
    assert "pip-audit" not in (ROOT / ".ci" / "run").read_text(
        encoding="utf-8"
    )  # an advisory must not fail an unrelated change


def test_the_sam_template_deploys_api_with_its_requirements_and_alarms_on_error_lines() -> None:
    template = (ROOT / "template.yaml").read_text(encoding="utf-8")
    assert re.search(r"^      CodeUri: api/$", template, re.M) and re.search(
        r"^      Handler: index.handler$", template, re.M
    )
    assert re.search(r"^      Runtime: !Ref PythonRuntime$", template, re.M)
    # The runtimes scripts/package_lambda.py builds for, and each with the Makefile the build points at.
    allowed = re.search(r"^  PythonRuntime:\n(?:    .*\n)*?    AllowedValues: \[(.+)\]$", template, re.M)
    runtimes = allowed.group(1).split(", ") if allowed else []
    assert runtimes == [f"python{version}" for version in LAMBDA_PYTHONS] and "python3.14" in runtimes
    context = re.search(r'^      ContextPath: !Sub "(.+)"$', template, re.M).group(1)  # type: ignore[union-attr]
    for runtime in runtimes:
        for arch in ("arm64", "x86_64"):
            folder = context.replace("${PythonRuntime}", runtime).replace("${Architecture}", arch)
            assert (ROOT / folder / "Makefile").is_file(), folder
    assert re.search(r"Default: arm64", template)
    timeout = int(re.search(r"^      Timeout: (\d+)$", template, re.M).group(1))  # type: ignore[union-attr]
    assert timeout < 30  # the HTTP API's integration timeout
    for variable in ("ENVIRONMENT: production", "SECRET_KEY:", "DATABASE_URL:", "REDIS_URL:", "CORS_ORIGINS:"):
        assert variable in template
    assert "Type: HttpApi" in template and "AutoPublishAlias:" in template and "ApplyOn: PublishedVersions" in template
    assert "RetentionInDays:" in template
    assert """FilterPattern: '{ $.level = "ERROR" }'""" in template and "AWS::CloudWatch::Alarm" in template


@pytest.mark.slow
def test_the_workflow_is_a_valid_github_workflow() -> None:
    bin_dir = installed_tool("check_jsonschema.sh")
    done = run(
        [f"{bin_dir}/check-jsonschema", "--builtin-schema", "vendor.github-workflows", ".github/workflows/ci.yml"]
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_the_sam_template_passes_cfn_lint_and_sam_validate() -> None:
    bin_dir = installed_tool("sam.sh")
    lint = run([f"{bin_dir}/cfn-lint", "template.yaml"])
    assert lint.returncode == 0, lint.stdout + lint.stderr
    validate = run([f"{bin_dir}/sam", "validate", "--lint", "-t", "template.yaml"], SAM_CLI_TELEMETRY="0")
    assert validate.returncode == 0, validate.stdout + validate.stderr
    assert "is a valid SAM Template" in validate.stdout + validate.stderr
