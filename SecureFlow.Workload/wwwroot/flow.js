// The flow inspector: renders /api/flow as the path this request took, and runs the "try it" probes through the real
// chain. Everything is built with textContent (never innerHTML), so nothing a request carried can become markup.
"use strict";

const hopFields = [
  ["tlsProtocol", "TLS"],
  ["cipherSuite", "Cipher suite"],
  ["sni", "SNI"],
  ["client", "Caller identity (mutual TLS)"],
  ["server", "Own identity (checked by the caller)"],
];

const certificateFields = [
  ["subject", "Certificate"],
  ["issuer", "Issuer"],
  ["notAfter", "Not after"],
  ["thumbprint", "Thumbprint"],
  ["vaultVersion", "Key Vault version"],
];

function element(name, attributes, ...children) {
  const node = document.createElement(name);
  for (const [key, value] of Object.entries(attributes ?? {})) {
    node.setAttribute(key, value);
  }
  for (const child of children) {
    node.append(child);
  }
  return node;
}

function row(list, field, label, value) {
  list.append(element("dt", {}, label), element("dd", { "data-field": field }, value));
}

function hopCard(hop, from) {
  const list = element("dl");
  for (const [field, label] of hopFields) {
    if (hop[field] && hop[field] !== "none") {
      row(list, field, label, hop[field]);
    }
  }
  const certificate = hop.certificate;
  if (certificate) {
    for (const [field, label] of certificateFields) {
      const value = field === "notAfter" ? new Date(certificate.notAfter).toISOString() : certificate[field];
      row(list, `certificate.${field}`, label, value ?? "not from Key Vault (file)");
    }
  }
  if (hop.waf) {
    row(list, "waf.decision", "WAF decision", hop.waf.decision);
    row(list, "waf.anomalyScore", "Anomaly score", String(hop.waf.anomalyScore));
  }
  return element("li", { class: "node", "data-hop": hop.hop },
    element("h3", {}, hop.hop, element("span", { class: "from" }, ` from ${from}`)),
    list);
}

function traceLink(url, text) {
  return element("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, text);
}

async function readFlow(init) {
  const response = await fetch("/api/flow", { cache: "no-store", headers: { Accept: "application/json" }, ...init });
  if (!response.ok) {
    throw new Error(`/api/flow answered ${response.status}`);
  }
  return response.json();
}

let dashboardTrace = null;

async function showPath() {
  const status = document.getElementById("flow-status");
  try {
    const flow = await readFlow();
    const path = document.getElementById("path");
    path.replaceChildren(element("li", { class: "node client", "data-hop": "client" },
      element("h3", {}, "client"), element("p", {}, "this browser")));
    let from = "client";
    for (const hop of flow.hops) {
      path.append(hopCard(hop, from));
      from = hop.hop;
    }

    const trace = document.getElementById("trace");
    const workload = flow.workload;
    if (workload.traceUrl) {
      dashboardTrace = { url: workload.traceUrl, traceId: workload.traceId };
      trace.replaceChildren("Trace ", element("code", {}, workload.traceId), ": ",
        traceLink(workload.traceUrl, "open it in the Aspire dashboard"));
    } else {
      trace.replaceChildren("Trace ", element("code", {}, workload.traceId ?? "none"), " (no dashboard in this deployment).");
    }
    status.textContent = `${flow.hops.length} TLS hops.`;
  } catch (error) {
    status.textContent = `Could not read the path: ${error.message}`;
  }
}

function outcome(probe, status, control, ...details) {
  const output = document.querySelector(`[data-probe="${probe}"] [data-outcome]`);
  output.replaceChildren(
    element("span", { class: "status", "data-status": status }, status),
    element("span", { class: "control" }, control),
    ...details.map((detail) => element("span", { class: "detail" }, detail)));
  output.closest(".probe").dataset.done = "true";
}

async function probeWaf() {
  const response = await fetch(`/api/flow?id=${encodeURIComponent("1' OR '1'='1")}`, { cache: "no-store" });
  const body = await response.text();
  if (response.status !== 403) {
    outcome("waf", String(response.status), "Not blocked: the WAF let it through.");
    return;
  }

  // The edge's 403 names no rule, as Application Gateway's does not: it carries a correlation id (the trace id), and the
  // rule ids are on that trace's edge span in the dashboard (secureflow.waf.rule_ids), where only the developer looks.
  const correlation = /Correlation id: ([0-9a-f]{32})/.exec(body)?.[1];
  const details = [element("span", { "data-field": "correlation" }, `Correlation id: ${correlation ?? "none"}`)];
  if (correlation && dashboardTrace) {
    details.push(element("span", { "data-field": "rules" }, "Rule ids: on the edge's span of ",
      traceLink(dashboardTrace.url.replace(dashboardTrace.traceId, correlation), "this trace in the dashboard"), " (secureflow.waf.rule_ids)."));
  } else {
    details.push(element("span", { "data-field": "rules" }, "Rule ids: in the edge's WAF log, under this correlation id."));
  }
  outcome("waf", "403", "Blocked at the edge by the web application firewall (OWASP CRS): the ingress never saw it.", ...details);
}

async function probeForgedHop() {
  const forgedFor = "203.0.113.66";
  const flow = await readFlow({ headers: { Accept: "application/json", "SecureFlow-Hop": "hop=forged;tls=TLSv1.0;cipher=NONE;sni=attacker.example", "X-Forwarded-For": forgedFor } });
  const hops = flow.hops.map((hop) => hop.hop);
  const forgedHopSeen = hops.includes("forged");
  const forgedForSeen = flow.workload.forwardedFor.includes(forgedFor);
  outcome("forged-hop", "200",
    forgedHopSeen || forgedForSeen
      ? "The forgery reached the workload."
      : "The edge dropped both headers before it set its own: the workload saw only what the gateways vouch for.",
    element("span", { "data-field": "hops" }, `Hops the workload saw: ${hops.join(" → ")}`),
    element("span", { "data-field": "forwardedFor" }, `X-Forwarded-For it saw: ${flow.workload.forwardedFor}`));
}

async function probeMismatchedHost() {
  const parent = location.hostname.split(".").slice(1).join(".");
  const target = `https://mismatched.${parent}${location.port ? `:${location.port}` : ""}/api/flow`;
  try {
    // no-cors: an answer from another origin is opaque to the page, but whether one came back at all is not.
    await fetch(target, { mode: "no-cors", cache: "no-store" });
    outcome("mismatched-host", "answered", `The edge answered a request for ${new URL(target).host}.`);
  } catch {
    outcome("mismatched-host", "refused",
      `Refused at the TLS handshake: the edge has no certificate for mismatched.${parent} (strict SNI), so no request, and no Host, was ever sent.`,
      element("span", { "data-field": "note" },
        "A client that does send another Host on this connection (curl -H 'Host: other…') gets 421 Misdirected Request: Host must match SNI."));
  }
}

const probes = { waf: probeWaf, "forged-hop": probeForgedHop, "mismatched-host": probeMismatchedHost };

document.addEventListener("DOMContentLoaded", () => {
  for (const [name, run] of Object.entries(probes)) {
    const button = document.querySelector(`[data-probe="${name}"] button`);
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        await run();
      } catch (error) {
        outcome(name, "error", `The probe failed: ${error.message}`);
      } finally {
        button.disabled = false;
      }
    });
  }
  showPath();
});
