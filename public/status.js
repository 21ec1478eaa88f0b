// Status page: reads /api/status (or <api>/api/status with ?api=...) and shows it.
// Plain script, no build step, no external resources: it runs under a strict CSP
// (script-src 'self'). Every value from the API is set with textContent, never as HTML.
"use strict";

(function () {
  const TIMEOUT_MS = 10000;
  const $ = (id) => document.getElementById(id);

  // The API's base: "" (this origin) or an http(s) URL from ?api=, with any stage path kept.
  function apiBase() {
    const raw = new URLSearchParams(window.location.search).get("api");
    if (!raw) return "";
    let url;
    try {
      url = new URL(raw);
    } catch (_) {
      return null;
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") return null;
    const path = url.pathname.replace(/\/+$/, "").replace(/\/api\/(status|health)$/, "");
    return url.origin + path;
  }

  function text(id, value) {
    $(id).textContent = value === null || value === undefined || value === "" ? "—" : String(value);
  }

  // Hints quote file and package names in `backticks`: show those as code, still without HTML parsing.
  function richText(el, value) {
    el.replaceChildren();
    String(value || "—").split("`").forEach((part, i) => {
      if (i % 2 === 1) {
        const code = document.createElement("code");
        code.textContent = part;
        el.appendChild(code);
      } else if (part) {
        el.appendChild(document.createTextNode(part));
      }
    });
  }

  function show(id, visible) {
    $(id).hidden = !visible;
  }

  function setBanner(kind, state, summary) {
    $("banner").className = "banner " + kind;
    text("state", state);
    text("summary", summary);
  }

  function item(list, value) {
    const li = document.createElement("li");
    richText(li, value);
    list.appendChild(li);
  }

  function cell(row, value, className) {
    const td = document.createElement("td");
    td.textContent = value === null || value === undefined || value === "" ? "—" : String(value);
    if (className) td.className = className;
    row.appendChild(td);
  }

  function renderServices(services) {
    const names = Object.keys(services || {});
    show("services-card", true);
    show("no-services", names.length === 0);
    show("services", names.length > 0);
    const body = $("services").querySelector("tbody");
    body.replaceChildren();
    for (const name of names) {
      const s = services[name] || {};
      const row = document.createElement("tr");
      cell(row, name, "name");
      cell(row, s.healthy ? "healthy" : "unhealthy", s.healthy ? "badge ok" : "badge bad");
      let runsOn = s.backend;
      if (s.configured && s.configured !== s.backend) runsOn += " (configured: " + s.configured + ")";
      if (s.shared === false) runsOn += ", per instance";
      cell(row, runsOn);
      cell(row, typeof s.latency_ms === "number" ? s.latency_ms.toFixed(1) + " ms" : null);
      cell(row, s.detail, "detail");
      body.appendChild(row);
    }
  }

  function renderDiagnosis(diagnosis) {
    show("diagnosis", Boolean(diagnosis));
    if (!diagnosis) return;
    text("diagnosis-type", diagnosis.type);
    text("diagnosis-module", diagnosis.module);
    text("diagnosis-message", diagnosis.message);
    richText($("diagnosis-hint"), diagnosis.hint);
    const missing = diagnosis.missing_requirements || [];
    text("diagnosis-missing", missing.length ? missing.join(", ") : "none: every package pinned in api/requirements.txt is installed");
    show("diagnosis-traceback-box", Boolean(diagnosis.traceback));
    text("diagnosis-traceback", diagnosis.traceback);
  }

  function render(doc) {
    lastFailure = null;
    const services = doc.services || {};
    const down = Object.keys(services).filter((name) => services[name] && services[name].healthy === false);
    if (!doc.backend_loaded || doc.status === "unhealthy") {
      const d = doc.diagnosis || {};
      setBanner("unhealthy", "unhealthy", "The backend failed to load (" + (d.type || "unknown") + " in " +
        (d.module || "an unknown module") + "). Only /api/health and /api/status answer.");
    } else if (doc.status === "degraded") {
      setBanner("degraded", "degraded", "The backend is loaded and serving; " + (down.join(", ") || "a service") +
        (down.length > 1 ? " run" : " runs") + " on a fallback.");
    } else {
      setBanner("healthy", "healthy", "The backend is loaded and every service is healthy.");
    }
    show("fetch-error", false);
    renderDiagnosis(doc.diagnosis);
    show("details", true);
    text("backend", doc.backend_loaded ? "loaded" : "not loaded");
    $("backend").className = doc.backend_loaded ? "good" : "bad";
    text("platform", doc.platform);
    text("environment", doc.environment);
    text("version", doc.version || "unknown");
    text("python", doc.python);
    const cold = doc.cold_start || {};
    text("cold-start", cold.started_at ? "container started " + cold.started_at.replace("T", " ").slice(0, 19) +
      " UTC; backend " + (doc.backend_loaded ? "loaded in " : "load failed after ") + Math.round(cold.load_ms) + " ms; " + cold.invocations + " request" +
      (cold.invocations === 1 ? "" : "s") + " since" : null);
    // Shipped bytecode or not: a deploy without it compiles every module at each cold start (see warnings).
    if (typeof cold.bytecode === "boolean") {
      text("bytecode", cold.bytecode ? "yes: the template's modules were loaded from bytecode"
        : "no: the template's modules were compiled at this cold start (see warnings)");
      $("bytecode").className = cold.bytecode ? "good" : "bad";
    } else {
      text("bytecode", null);
      $("bytecode").className = "";
    }
    // A backend that did not load has no services to show: hide the card rather than claim "none".
    if (doc.backend_loaded) renderServices(services);
    else show("services-card", false);
    const warnings = doc.warnings || [];
    show("warnings-card", warnings.length > 0);
    $("warnings").replaceChildren();
    warnings.forEach((w) => item($("warnings"), w));
    text("checked-at", "at " + new Date().toLocaleTimeString());
  }

  // A fetch blocked by this page's own Content-Security-Policy fails like a network error; the
  // browser reports the violation separately (and not always before the fetch rejects).
  let lastFailure = null;
  const blocked = [];

  function cspHints(blocked) {
    return ["This page's Content-Security-Policy does not allow connections to `" + blocked + "`: add that " +
      "origin to `connect-src` where the page is served (for Vercel: the headers in `vercel.json`)."];
  }

  function blockedByCsp(url) {
    return blocked.some((uri) => uri && url.startsWith(uri));
  }

  function onViolation(event) {
    if (event.effectiveDirective !== "connect-src") return;
    blocked.push(event.blockedURI);
    if (!lastFailure) return;
    if (!lastFailure.url.startsWith(event.blockedURI)) return;
    renderFailure(lastFailure.url, "Could not fetch " + lastFailure.url + ": blocked by this page's " +
      "Content-Security-Policy (connect-src).", cspHints(new URL(lastFailure.url).origin));
  }

  function renderFailure(url, message, hints) {
    lastFailure = { url: url };
    setBanner("unreachable", "unreachable", "The status document could not be read.");
    for (const id of ["details", "services-card", "warnings-card", "diagnosis"]) show(id, false);
    show("fetch-error", true);
    text("checked-at", "at " + new Date().toLocaleTimeString());
    text("fetch-error-message", message);
    const list = $("fetch-error-hints");
    list.replaceChildren();
    hints.forEach((h) => item(list, h));
  }

  function crossOriginHints(base) {
    const check = "python3 scripts/check_connection.py " + (base || window.location.origin);
    const hints = ["Open `" + (base || window.location.origin) + "/api/status` in a new tab: if it answers " +
      "there, the API is up and the browser blocked the request."];
    if (base && new URL(base).origin !== window.location.origin) {
      hints.push("The API is on another origin: its `CORS_ORIGINS` must list `" + window.location.origin +
        "`. Check with `" + check + " --origin " + window.location.origin + "`");
    } else {
      hints.push("Check the connection with `" + check + "`");
    }
    hints.push("Otherwise the API is down, or the URL is wrong (host, port, or the stage for API Gateway).");
    return hints;
  }

  async function load() {
    const base = apiBase();
    if (base === null) {
      renderFailure("", "The ?api= parameter is not an http(s) URL.", ["Use ?api=https://your-api.example.com"]);
      return;
    }
    const url = base + "/api/status";
    text("source-url", url);
    $("raw-link").href = url;
    text("raw-link", url);
    setBanner("pending", "checking…", "Fetching " + url);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
    let response;
    try {
      response = await fetch(url, { headers: { Accept: "application/json" }, cache: "no-store",
        signal: controller.signal });
    } catch (err) {
      const why = err.name === "AbortError" ? "no answer within " + TIMEOUT_MS / 1000 + " s"
        : "the network request failed (" + err.message + ")";
      if (blockedByCsp(url)) {
        renderFailure(url, "Could not fetch " + url + ": blocked by this page's Content-Security-Policy " +
          "(connect-src).", cspHints(new URL(url).origin));
      } else {
        renderFailure(url, "Could not fetch " + url + ": " + why + ".", crossOriginHints(base));
      }
      return;
    } finally {
      clearTimeout(timer);
    }
    const body = await response.text();
    let doc = null;
    try {
      doc = JSON.parse(body);
    } catch (_) {
      doc = null;
    }
    if (!doc || typeof doc !== "object" || !("status" in doc)) {
      const hints = response.status === 404
        ? ["Nothing routes `/api/status` to the function: check the rewrites in `vercel.json`, or the stage " +
          "in `?api=`."]
        : ["This URL does not serve this template's status document."];
      renderFailure(url, url + " answered HTTP " + response.status + " without a status document: " +
        body.slice(0, 160), hints);
      return;
    }
    render(doc);
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("refresh").addEventListener("click", load);
    document.addEventListener("securitypolicyviolation", onViolation);
    load();
  });
})();
