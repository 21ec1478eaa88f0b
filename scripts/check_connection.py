#!/usr/bin/env python3
"""Post-deploy connection test: why does "the backend not connect"?

    python3 scripts/check_connection.py https://your-app.vercel.app [--origin https://your-frontend.com]
    python3 scripts/check_connection.py https://abc.execute-api.eu-west-1.amazonaws.com/prod --json

Standard library only (any Python >= 3.8), so it runs anywhere: copy this one file. It resolves the
host, connects, does the TLS handshake and requests `<URL>/api/health` itself, step by step, so a
failure is named by the step that failed. Then it reads `/api/status` for a diagnosis or the
degraded services, and with `--origin` checks CORS the way a browser on that origin would.

Exit codes (one per class; `--json` prints the same class names):

     0  ok              healthy (and CORS allows ORIGIN when given)
     2  usage           bad arguments
     3  dns             the host name does not resolve
     4  refused         nothing listens on that port
     5  timeout         no connection, TLS handshake or answer within --timeout seconds
     6  tls             the TLS handshake failed (certificate, plain HTTP on an https URL, ...)
     7  closed          connected, then the server closed without answering (an empty reply)
     8  not_found       /api/health is 404, or API Gateway's 403 "Missing Authentication Token" (no
                        route) or 403 "Forbidden" (a REST API URL without its stage)
     9  backend_failed  5xx with the template's diagnosis: the backend did not load (module, hint)
    10  server_error    5xx without a diagnosis (a crash before the app answered, a platform error)
    11  degraded        healthy enough to serve, but a service runs on its fallback (named)
    12  cors            a browser on ORIGIN would be refused (preflight or Access-Control-Allow-Origin)
    13  unreachable     the connection failed otherwise (no route to host, network down)
    14  unexpected      any other answer (401/403, a redirect loop, a health body that is not JSON)
"""

from __future__ import annotations

import argparse
import http.client
import json
import socket
import ssl
import sys
import time
from typing import Any
from urllib.parse import SplitResult, urljoin, urlsplit, urlunsplit

EXIT_CODES = {
    "ok": 0,
    "dns": 3,
    "refused": 4,
    "timeout": 5,
    "tls": 6,
    "closed": 7,
    "not_found": 8,
    "backend_failed": 9,
    "server_error": 10,
    "degraded": 11,
    "cors": 12,
    "unreachable": 13,
    "unexpected": 14,
}
HEALTH = "/api/health"
STATUS = "/api/status"
MAX_REDIRECTS = 3
USER_AGENT = "check_connection/1 (serverless-fastapi-template)"
# socket.timeout became an alias of TimeoutError only in Python 3.10; catch both on older ones.
TIMEOUTS = (socket.timeout, TimeoutError)


class Failure(Exception):
    """A classified failure: `kind` is a key of EXIT_CODES."""

    def __init__(self, kind: str, message: str, hint: str = "", **facts: Any) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.hint = hint
        self.facts = facts


class Response:
    def __init__(self, status: int, headers: dict[str, str], body: bytes, timings: dict[str, float]) -> None:
        self.status = status
        self.headers = headers  # lower-case names; repeated headers joined with ", "
        self.body = body
        self.timings = timings

    @property
    def from_api_gateway(self) -> bool:
        """API Gateway's own request id: REST APIs send x-amzn-requestid, HTTP APIs apigw-requestid."""
        return "x-amzn-requestid" in self.headers or "apigw-requestid" in self.headers

    def json(self) -> Any:
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return None

    def excerpt(self, limit: int = 200) -> str:
        text = self.body.decode("utf-8", "replace").strip().replace("\n", " ")
        return text[:limit] + ("..." if len(text) > limit else "")


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 1)


def _connect(host: str, port: int, timeout: float, timings: dict[str, float]) -> socket.socket:
    start = time.perf_counter()
    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise Failure(
            "dns",
            f"cannot resolve {host}: {exc.strerror or exc}",
            "check the host name for typos; a new Vercel or API Gateway domain can take a minute to appear",
        ) from exc
    timings["dns_ms"] = _ms(start)
    errors: list[OSError] = []
    start = time.perf_counter()
    for family, kind, proto, _name, address in addresses:
        sock = socket.socket(family, kind, proto)
        sock.settimeout(timeout)
        try:
            sock.connect(address)
        except OSError as exc:
            sock.close()
            errors.append(exc)
            continue
        timings["connect_ms"] = _ms(start)
        return sock
    where = f"{host} port {port}"
    if any(isinstance(e, TIMEOUTS) for e in errors):
        raise Failure(
            "timeout",
            f"no connection to {where} within {timeout:g}s",
            "a firewall drops the packets, or the host is down; check the URL and the port",
        )
    if errors and all(isinstance(e, ConnectionRefusedError) for e in errors):
        raise Failure(
            "refused",
            f"connection refused by {where}: nothing listens there",
            "is the server running, on this port and on an address you can reach (0.0.0.0 in a container)?",
        )
    raise Failure("unreachable", f"cannot connect to {where}: {errors[-1] if errors else 'no address'}")


def _tls(sock: socket.socket, host: str, timeout: float, timings: dict[str, float]) -> socket.socket:
    start = time.perf_counter()
    context = ssl.create_default_context()
    try:
        wrapped = context.wrap_socket(sock, server_hostname=host)
    except TIMEOUTS as exc:
        sock.close()
        raise Failure(
            "timeout",
            f"the TLS handshake did not finish within {timeout:g}s",
            "the server accepted the connection but does not speak TLS; is this URL http:// rather than https://?",
        ) from exc
    except ssl.SSLCertVerificationError as exc:
        sock.close()
        raise Failure(
            "tls",
            f"certificate not accepted: {exc.verify_message or exc}",
            "the certificate is self-signed, expired or for another name; for a custom domain, wait until the "
            "platform has issued its certificate",
        ) from exc
    except (ssl.SSLError, ConnectionError) as exc:
        sock.close()
        reason = getattr(exc, "reason", None) or exc.__class__.__name__
        hint = "the port answers, but not with TLS"
        if reason == "WRONG_VERSION_NUMBER":
            hint = "this port speaks plain HTTP: use http:// instead of https://"
        raise Failure("tls", f"TLS handshake failed: {reason}", hint) from exc
    timings["tls_ms"] = _ms(start)
    return wrapped


def request(url: str, timeout: float, method: str = "GET", headers: dict[str, str] | None = None) -> Response:
    """One HTTP request, each step timed and each failure classified (with the steps that did finish)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Failure("unexpected", f"not an http(s) URL: {url}")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    timings: dict[str, float] = {}
    total = time.perf_counter()
    try:
        sock = _connect(parts.hostname, port, timeout, timings)
        if parts.scheme == "https":
            sock = _tls(sock, parts.hostname, timeout, timings)
        status, names, body = _exchange(sock, parts.hostname, port, timeout, method, parts, headers, timings)
    except Failure as failure:
        failure.facts["timings"] = {**timings, "total_ms": _ms(total)}
        raise
    timings["total_ms"] = _ms(total)
    return Response(status, names, body, timings)


def _exchange(
    sock: socket.socket,
    host: str,
    port: int,
    timeout: float,
    method: str,
    parts: SplitResult,
    headers: dict[str, str] | None,
    timings: dict[str, float],
) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    conn.sock = sock  # already connected (and wrapped): http.client sends on it as is
    path = (parts.path or "/") + ("?" + parts.query if parts.query else "")
    start = time.perf_counter()
    try:
        conn.request(method, path, headers={"User-Agent": USER_AGENT, "Accept": "application/json", **(headers or {})})
        raw = conn.getresponse()
        timings["first_byte_ms"] = _ms(start)
        body = raw.read()
    except TIMEOUTS as exc:
        raise Failure(
            "timeout",
            f"connected, but no answer within {timeout:g}s",
            "the server accepted the connection and never answered: a start-up that hangs (a service that does "
            "not answer), or a process that is not an HTTP server",
        ) from exc
    except (http.client.RemoteDisconnected, http.client.IncompleteRead, ConnectionError) as exc:
        raise Failure(
            "closed",
            "the server closed the connection without a response (an empty reply)",
            "the process accepts connections but does not answer HTTP: it crashed while serving, it speaks "
            "another protocol, or (in a container or VM) it listens on 127.0.0.1 behind a port forward",
        ) from exc
    except http.client.HTTPException as exc:
        raise Failure("unexpected", f"not an HTTP response: {exc!r}") from exc
    finally:
        conn.close()
    names: dict[str, str] = {}
    for name, value in raw.getheaders():
        key = name.lower()
        names[key] = names[key] + ", " + value if key in names else value
    return raw.status, names, body


def get_following(url: str, timeout: float, headers: dict[str, str] | None = None) -> tuple[str, Response]:
    """GET, following a few redirects (http -> https, a trailing slash); returns the final URL too."""
    for _ in range(MAX_REDIRECTS + 1):
        response = request(url, timeout, headers=headers)
        location = response.headers.get("location")
        if response.status not in (301, 302, 303, 307, 308) or not location:
            return url, response
        url = urljoin(url, location)
    raise Failure("unexpected", f"more than {MAX_REDIRECTS} redirects, the last to {url}")


def base_url(url: str) -> str:
    """The deployment's base URL: scheme, host and any stage or base path, without /api/health."""
    url = url.strip()
    if "://" not in url:
        url = "https://" + url
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    for suffix in (HEALTH, STATUS):
        if path.endswith(suffix):
            path = path[: -len(suffix)]
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def _who_answered_404(response: Response) -> str:
    body = response.json()
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        return (
            "the app answered (its error envelope), so the request reached it with another path: a stage or "
            "base path the app does not strip (set API_BASE_PATH), or routes mounted outside /api"
        )
    if response.headers.get("x-vercel-error") == "NOT_FOUND" or "x-vercel-id" in response.headers:
        return (
            "Vercel answered, not the function: vercel.json must rewrite /api/(.*) to /api/index, and "
            "api/index.py must be deployed (check `vercel.json` and the deployment's function list)"
        )
    if response.from_api_gateway:
        return (
            "API Gateway answered, not the function: no route matches; the API needs a catch-all route "
            "(`ANY /{proxy+}`) and the URL must include the stage (`/prod`) unless it is `$default`"
        )
    return "the server has no /api/health: is the URL the deployment's base URL, with the stage for API Gateway?"


def _missing_token(response: Response) -> bool:
    """API Gateway REST answers an unrouted path with 403 "Missing Authentication Token"."""
    error_type = response.headers.get("x-amzn-errortype", "")
    return response.status == 403 and (
        error_type.startswith("MissingAuthenticationToken") or b"Missing Authentication Token" in response.body
    )


def _missing_stage(response: Response) -> bool:
    """API Gateway REST answers a path outside every stage with 403 {"message":"Forbidden"}."""
    body = response.json()
    from_gateway = response.headers.get("x-amzn-errortype", "").startswith("ForbiddenException") or (
        "x-amzn-requestid" in response.headers
    )
    return response.status == 403 and from_gateway and body == {"message": "Forbidden"}


def _status_document(base: str, timeout: float) -> dict[str, Any] | None:
    """/api/status, or None when it does not answer with JSON (the check goes on without it)."""
    try:
        _url, response = get_following(base + STATUS, timeout)
    except Failure:
        return None
    body = response.json()
    return body if isinstance(body, dict) else None


def check_health(base: str, timeout: float, report: dict[str, Any]) -> str:
    """Classify /api/health; returns "healthy" or "degraded", raises Failure for anything else."""
    final_url, health = get_following(base + HEALTH, timeout)
    report.update(url=final_url, http_status=health.status, latency_ms=health.timings)
    if final_url.endswith(HEALTH):
        report["base"] = final_url[: -len(HEALTH)]
    body = health.json()
    if health.status == 404 or _missing_token(health):
        raise Failure(
            "not_found", f"{HEALTH} answered {health.status}: {health.excerpt(120)}", _who_answered_404(health)
        )
    if _missing_stage(health):
        raise Failure(
            "not_found",
            f"{HEALTH} answered {health.status}: {health.excerpt(120)}",
            "API Gateway answers a REST API URL without its stage with 403 Forbidden: add the stage to the URL "
            "(`https://<id>.execute-api.<region>.amazonaws.com/prod`, the stage named in the deploy output)",
        )
    if health.status >= 500:
        diagnosis = body.get("diagnosis") if isinstance(body, dict) else None
        if not isinstance(diagnosis, dict):
            status = _status_document(report["base"], timeout) or {}
            diagnosis = status.get("diagnosis")
        if isinstance(diagnosis, dict):
            report["diagnosis"] = diagnosis
            raise Failure(
                "backend_failed",
                f"the backend did not load: {diagnosis.get('type')} in `{diagnosis.get('module')}`",
                str(diagnosis.get("hint") or ""),
                http_status=health.status,
            )
        raise Failure(
            "server_error", f"{HEALTH} answered {health.status}: {health.excerpt()}", _server_error_hint(health)
        )
    if health.status != 200 or not isinstance(body, dict) or body.get("status") not in ("healthy", "degraded"):
        hint = ""
        if health.status == 401 and ("x-vercel-id" in health.headers or "_vercel_sso_nonce" in str(health.headers)):
            hint = "Vercel Deployment Protection is on: turn it off for this deployment or use a bypass token"
        elif health.status == 200:
            hint = "something other than the app answers /api/health (a static page or a rewrite to index.html?)"
        raise Failure("unexpected", f"{HEALTH} answered {health.status}: {health.excerpt(120)}", hint)
    return str(body["status"])


def _server_error_hint(response: Response) -> str:
    vercel_error = response.headers.get("x-vercel-error")
    if vercel_error:
        return (
            f"Vercel reports {vercel_error}: the function crashed before the app answered; read the function's "
            "log (`vercel logs <deployment-url>`) for the traceback"
        )
    if response.from_api_gateway:
        return (
            "API Gateway got no valid answer from the function (a crash, a timeout, or a handler that is not "
            "`index.handler`): read the function's CloudWatch log (`sam logs --tail`)"
        )
    if response.body.strip() == b"Internal Server Error" and "x-request-id" not in response.headers:
        # Uvicorn's own answer when the ASGI callable raised before any middleware of the template ran.
        return (
            "the server's own 500, not the app's: the ASGI callable raised before answering; serve "
            "`api.index:app` (`handler` is the Lambda entry) and read the server's log for the traceback"
        )
    return "no diagnosis in the body: something in front of the app failed, or this is not this template's API"


def degraded_services(status: dict[str, Any] | None) -> list[dict[str, Any]]:
    services = (status or {}).get("services") or {}
    if not isinstance(services, dict):
        return []
    return [
        {
            "name": name,
            "backend": info.get("backend"),
            "configured": info.get("configured"),
            "detail": info.get("detail"),
        }
        for name, info in services.items()
        if isinstance(info, dict) and info.get("healthy") is False
    ]


def check_cors(base: str, origin: str, timeout: float) -> dict[str, Any]:
    """What a browser on `origin` sees: a preflight for a JSON POST, then a GET with Origin."""
    preflight = request(
        base + HEALTH,
        timeout,
        method="OPTIONS",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    simple = request(base + HEALTH, timeout, headers={"Origin": origin})
    problems = []
    allowed = preflight.headers.get("access-control-allow-origin")
    if not 200 <= preflight.status < 300:
        problems.append(f"the preflight (OPTIONS) answered {preflight.status}")
    if allowed not in (origin, "*"):
        problems.append(f"the preflight's Access-Control-Allow-Origin is {allowed or 'missing'}")
    elif "POST" not in preflight.headers.get("access-control-allow-methods", "POST").upper():
        problems.append("the preflight does not allow POST")
    simple_allowed = simple.headers.get("access-control-allow-origin")
    if simple_allowed not in (origin, "*"):
        problems.append(f"a GET's Access-Control-Allow-Origin is {simple_allowed or 'missing'}")
    credentials = simple.headers.get("access-control-allow-credentials", "").lower() == "true"
    return {
        "origin": origin,
        "allowed": not problems,
        "problems": problems,
        "preflight_status": preflight.status,
        "allow_origin": simple_allowed,
        "credentials": credentials,
    }


def _keep_status(report: dict[str, Any], status: dict[str, Any] | None) -> None:
    if status is not None:
        keys = ("status", "backend_loaded", "platform", "environment", "version", "warnings")
        report["status"] = {key: status.get(key) for key in keys}


def run(url: str, origin: str | None, timeout: float) -> dict[str, Any]:
    base = base_url(url)
    report: dict[str, Any] = {"url": base + HEALTH, "base": base, "class": "ok", "message": "", "hint": ""}
    try:
        state = check_health(base, timeout, report)
        status = _status_document(report["base"], timeout)
        _keep_status(report, status)
        if state == "degraded":
            report["services"] = degraded_services(status)
        if origin:
            report["cors"] = check_cors(report["base"], origin.rstrip("/"), timeout)
        if report.get("cors") and not report["cors"]["allowed"]:
            raise Failure(
                "cors",
                f"a browser on {origin} would be refused: " + "; ".join(report["cors"]["problems"]),
                f"add {origin.rstrip('/') if origin else ''} to CORS_ORIGINS (scheme, host and port exactly as "
                "the browser shows them) and redeploy",
            )
        if state == "degraded":
            names = ", ".join(s["name"] for s in report["services"]) or "unknown (no /api/status)"
            raise Failure(
                "degraded",
                f"serving, but degraded: {names} on a fallback",
                "the app serves meanwhile, on each service's fallback; each detail says what to fix",
            )
        report["message"] = f"{HEALTH} answered {report['http_status']} {state}"
    except Failure as failure:
        report.update({"class": failure.kind, "message": failure.message, "hint": failure.hint})
        if failure.kind == "backend_failed":  # the fallback's /api/status still says where it runs
            _keep_status(report, _status_document(report["base"], timeout))
        if "timings" in failure.facts and "latency_ms" not in report:
            report["latency_ms"] = failure.facts["timings"]
    report["exit_code"] = EXIT_CODES[report["class"]]
    report["ok"] = report["class"] == "ok"
    return report


def _latency(timings: dict[str, float]) -> str:
    labels = {"dns_ms": "dns", "connect_ms": "connect", "tls_ms": "tls", "first_byte_ms": "first byte"}
    parts = [f"{label} {timings[key]:g} ms" for key, label in labels.items() if key in timings]
    return f"{timings.get('total_ms', 0):g} ms" + (f" ({', '.join(parts)})" if parts else "")


def render(report: dict[str, Any]) -> str:
    head = "OK" if report["ok"] else f"FAIL {report['class']}"
    lines = [
        f"{head} (exit {report['exit_code']}): {report['message']}",
        f"  url:      {report['url']}",
    ]
    if "latency_ms" in report:
        lines.append(f"  latency:  {_latency(report['latency_ms'])}")
    diagnosis = report.get("diagnosis")
    if diagnosis:
        lines.append(f"  type:     {diagnosis.get('type')}")
        lines.append(f"  module:   {diagnosis.get('module')}")
        lines.append(f"  message:  {diagnosis.get('message')}")
        if diagnosis.get("missing_requirements"):
            lines.append(f"  not installed from api/requirements.txt: {', '.join(diagnosis['missing_requirements'])}")
    for service in report.get("services", []):
        lines.append(
            f"  service:  {service['name']} on {service['backend']} (configured {service['configured']}): "
            f"{service['detail'] or 'unhealthy'}"
        )
    status = report.get("status")
    if status:
        loaded = "loaded" if status.get("backend_loaded") else "NOT loaded"
        lines.append(
            f"  backend:  {loaded}, {status.get('status')}, platform {status.get('platform')}, "
            f"version {status.get('version') or 'unknown'}"
        )
        lines.extend(f"  warning:  {warning}" for warning in status.get("warnings") or [])
    cors = report.get("cors")
    if cors:
        verdict = "allowed" if cors["allowed"] else "REFUSED"
        lines.append(
            f"  cors:     {cors['origin']} {verdict} (preflight {cors['preflight_status']}, "
            f"Access-Control-Allow-Origin: {cors['allow_origin'] or 'missing'}, "
            f"credentials {'allowed' if cors['credentials'] else 'not allowed'})"
        )
    if report["hint"]:
        lines.append(f"  hint:     {report['hint']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Check a deployment of this template: DNS, connection, TLS, /api/health, services, CORS.",
        epilog="Exit codes: " + ", ".join(f"{code} {name}" for name, code in EXIT_CODES.items()) + ", 2 usage.",
    )
    parser.add_argument("url", help="the deployment's base URL (with the stage for API Gateway: .../prod)")
    parser.add_argument("--origin", help="a browser origin that must be allowed by CORS, e.g. https://app.example.com")
    parser.add_argument("--json", action="store_true", help="print one JSON object (for CI)")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds for each step (default 10)")
    args = parser.parse_args(argv)
    if args.timeout <= 0:
        parser.error("--timeout must be positive")
    report = run(args.url, args.origin, args.timeout)
    print(json.dumps(report, indent=2) if args.json else render(report))
    return int(report["exit_code"])


if __name__ == "__main__":
    sys.exit(main())
