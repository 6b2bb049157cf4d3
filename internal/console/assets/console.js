// netwright console. Plain JavaScript, no build step, nothing fetched from
// elsewhere: the page asks its own server's API (/api/...) with the token
// and listens to its server-sent events.
"use strict";

const token = document.querySelector('meta[name="netwright-token"]').content;
const mode = document.querySelector('meta[name="netwright-mode"]').content;
const $ = (id) => document.getElementById(id);

let state = null;     // GET /api/state
let live = null;      // the last "live" event (up)
let selected = null;  // {ref, subnet}
const requests = [];  // the last 100 requests (up)

// el builds an element: el("td", {class: "num"}, "12", child...).
function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const k of kids.flat(Infinity)) {
    if (k === undefined || k === null || k === false) continue;
    e.append(k instanceof Node ? k : document.createTextNode(String(k)));
  }
  return e;
}

async function api(method, path, body) {
  const opt = {method, headers: {"X-Netwright-Token": token}};
  if (body !== undefined) {
    opt.headers["Content-Type"] = "application/json";
    opt.body = JSON.stringify(body);
  }
  const r = await fetch(path, opt);
  const type = r.headers.get("Content-Type") || "";
  const data = type.startsWith("application/json") ? await r.json() : await r.text();
  if (!r.ok) throw new Error((data && data.error) || (typeof data === "string" && data) || r.statusText);
  return data;
}

function showError(where, err) {
  where.replaceChildren(el("p", {class: "bad", role: "alert"}, String(err.message || err)));
}

// Tabs: the WAI-ARIA tabs pattern (arrow keys, Home, End).
function tabs() {
  const list = [...document.querySelectorAll('[role="tab"]')];
  const choose = (t, focus) => {
    for (const o of list) {
      const on = o === t;
      o.setAttribute("aria-selected", on);
      o.tabIndex = on ? 0 : -1;
      $(o.getAttribute("aria-controls")).hidden = !on;
    }
    if (focus) t.focus();
  };
  for (const t of list) {
    t.addEventListener("click", () => choose(t, false));
    t.addEventListener("keydown", (e) => {
      const i = list.indexOf(t);
      let j = null;
      if (e.key === "ArrowRight") j = (i + 1) % list.length;
      if (e.key === "ArrowLeft") j = (i - 1 + list.length) % list.length;
      if (e.key === "Home") j = 0;
      if (e.key === "End") j = list.length - 1;
      if (j !== null) { e.preventDefault(); choose(list[j], true); }
    });
  }
  return (id) => choose($(id), false);
}
const showTab = tabs();

// The spec, line by line, and a link to a place in it.
async function loadSpec() {
  const text = await api("GET", "/api/spec");
  const box = $("spec");
  box.replaceChildren(...text.split("\n").map((line, i) =>
    el("div", {class: "line", id: "L" + (i + 1)}, el("span", {class: "ln", "aria-hidden": "true"}, i + 1), el("code", {}, line))));
}

function posLink(file, line, column) {
  if (!line) return null;
  const label = `${(file || state.filename).split("/").pop()}:${line}${column ? ":" + column : ""}`;
  return el("button", {type: "button", class: "pos", "aria-label": `show ${label} in the spec`, onclick: () => goToLine(line)}, label);
}

function goToLine(line) {
  showTab("tab-spec");
  for (const h of document.querySelectorAll(".spec .hit")) h.classList.remove("hit");
  const row = $("L" + line);
  if (row) {
    row.classList.add("hit");
    row.tabIndex = -1;
    row.scrollIntoView({block: "center"});
    row.focus();
  }
}

function renderHeader() {
  $("app").textContent = state.app || "";
  const s = $("spec-status");
  const errs = state.diagnostics.filter((d) => d.severity === "error");
  if (state.ok) {
    s.className = "ok";
    s.textContent = `design v${state.version} from the spec as saved`;
  } else {
    s.className = "bad";
    s.textContent = `the spec has ${errs.length} error(s)` + (state.has_design ? ": showing the last design built" : "");
  }
  const box = $("errors");
  if (errs.length) {
    box.hidden = false;
    box.replaceChildren(el("strong", {}, `${state.filename} has errors; the design shown is the last one built.`),
      el("ul", {}, errs.map((d) => el("li", {}, posLink(d.file, d.line, d.column), " ", d.summary))));
  } else {
    box.hidden = true;
    box.replaceChildren();
  }
}

function renderFindings() {
  const items = [...state.diagnostics, ...state.findings];
  $("findings-count").textContent = `(${items.length})`;
  const ul = $("findings");
  if (!items.length) {
    ul.replaceChildren(el("li", {class: "empty"}, "Nothing found: every declared flow passes, nothing else does, and the checklist is clean."));
    return;
  }
  ul.replaceChildren(...items.map((f) => el("li", {},
    el("span", {class: "sev sev-" + f.severity}, f.severity), " ",
    f.check ? el("code", {}, f.check) : null, f.check ? " " : null,
    f.summary, " ", posLink(f.file, f.line, f.column),
    f.detail ? el("p", {class: "detail"}, f.detail) : null)));
}

function renderSubnets() {
  const tbody = $("subnets").tBodies[0];
  tbody.replaceChildren(...state.subnets.map((s) => el("tr", {},
    el("td", {}, el("code", {}, s.name)), el("td", {}, s.tier), el("td", {}, s.az), el("td", {}, el("code", {}, s.cidr)),
    el("td", {class: "num"}, s.capacity), el("td", {class: "num"}, s.peak), el("td", {class: "num"}, s.free),
    el("td", {}, el("meter", {min: 0, max: 100, low: 60, high: 85, optimum: 20, value: s.use_percent, "aria-label": `${s.name}: ${s.use_percent}% used at peak`}), ` ${s.use_percent}%`))));
}

function fillSelect(sel, values, labels) {
  const keep = sel.value;
  sel.replaceChildren(...values.map((v, i) => el("option", {value: v}, labels ? labels[i] : v)));
  if (values.includes(keep)) sel.value = keep;
}

function fillForms() {
  fillSelect($("reach-from"), state.ends);
  fillSelect($("reach-to"), state.ends);
  if ($("reach-from").value === $("reach-to").value && state.ends.length > 1) $("reach-to").selectedIndex = 1;
}

// The diagram: the SVG the export writes, made selectable.
async function loadDiagram() {
  const box = $("diagram");
  if (!state.has_design) {
    box.replaceChildren(el("p", {class: "empty"}, "No design: the spec has errors (see above)."));
    return;
  }
  const svg = await api("GET", "/api/diagram.svg");
  box.innerHTML = svg;
  for (const r of box.querySelectorAll('[data-ref^="service:"], [data-ref^="lb:"]')) {
    const ref = r.dataset.ref;
    const [kind, name] = ref.split(/:(.*)/s);
    r.setAttribute("tabindex", "0");
    r.setAttribute("role", "button");
    r.setAttribute("aria-label", `${kind === "lb" ? "load balancer" : "service"} ${name}` + (r.dataset.subnet ? ` in ${r.dataset.subnet}` : ""));
    const pick = () => select(ref, r.dataset.subnet);
    r.addEventListener("click", pick);
    r.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); pick(); } });
  }
  if (live) paintLive();
  if (selected) markSelected();
}

function markSelected() {
  for (const r of document.querySelectorAll("#diagram rect.selected")) r.classList.remove("selected");
  if (!selected) return;
  for (const r of document.querySelectorAll(`#diagram rect[data-ref="${CSS.escape(selected.ref)}"]`)) r.classList.add("selected");
}

function select(ref, subnet) {
  selected = {ref, subnet};
  markSelected();
  renderDetails();
  showTab("tab-details");
}

function dl(pairs) {
  return el("dl", {class: "kv"}, pairs.filter((p) => p[1] !== undefined && p[1] !== null && p[1] !== "").map(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
}

function healthText(h) { return el("span", {class: "health health-" + h}, h); }

function renderDetails() {
  const box = $("details");
  if (!selected || !state || !state.has_design) return;
  const [kind, name] = selected.ref.split(/:(.*)/s);
  if (kind === "lb") {
    const lb = state.load_balancers.find((l) => l.id === name);
    if (!lb) { box.replaceChildren(el("p", {class: "empty"}, `${name} is no longer in the design.`)); return; }
    const parts = [el("h2", {}, `${lb.type === "application" ? "ALB" : lb.type === "network" ? "NLB" : "GWLB"} ${lb.name}`),
      dl([["ID", el("code", {}, lb.id)], ["Scheme", lb.scheme], ["VPC", lb.vpc]])];
    for (const l of lb.listeners) {
      parts.push(el("h2", {}, `Listener ${l.protocol} ${l.port}`));
      const rows = l.rules.map((r) => el("tr", {}, el("td", {class: "num"}, r.priority), el("td", {}, el("code", {}, r.conditions || "(any)")), el("td", {}, r.action), el("td", {}, r.line ? posLink(null, r.line) : r.source)));
      rows.push(el("tr", {}, el("td", {}, "default"), el("td", {}, ""), el("td", {}, l.default), el("td", {}, "")));
      parts.push(el("table", {}, el("caption", {class: "sr"}, `rules of ${lb.name} ${l.protocol} ${l.port} in priority order`),
        el("thead", {}, el("tr", {}, el("th", {scope: "col", class: "num"}, "Priority"), el("th", {scope: "col"}, "Conditions"), el("th", {scope: "col"}, "Action"), el("th", {scope: "col"}, "Spec"))),
        el("tbody", {}, rows)));
      const ls = live && live.listeners.filter((x) => x.load_balancer === lb.name && x.port === l.port);
      for (const x of ls || []) parts.push(targetGroups(x.target_groups, `served at ${x.addr}`));
    }
    box.replaceChildren(...parts);
    return;
  }
  const svc = state.services.find((s) => s.name === name);
  if (!svc) { box.replaceChildren(el("p", {class: "empty"}, `${name} is no longer in the design.`)); return; }
  const callers = state.flows.filter((f) => f.to === name).map((f) => f.from);
  const parts = [el("h2", {}, `Service ${svc.name}`),
    dl([["Kind", svc.kind], ["Protocol", `${svc.protocol} :${svc.port}`], ["Public", svc.public ? "yes" : "no"], ["VPCs", svc.vpcs.join(", ")],
      ["Calls", svc.depends_on.join(", ") || "nothing"], ["Called by", callers.join(", ") || "nobody"], ["Spec", svc.line ? posLink(null, svc.line) : null]])];
  const rules = [];
  for (const lb of state.load_balancers) for (const l of lb.listeners) {
    for (const r of l.rules) if (forwardsTo(r.action, name)) rules.push([lb.name, l, r.priority, r.conditions, r.action]);
    if (forwardsTo(l.default, name)) rules.push([lb.name, l, "default", "", l.default]);
  }
  if (rules.length) {
    parts.push(el("h2", {}, "Rules that send it requests"));
    parts.push(el("ul", {class: "plain"}, rules.map(([lb, l, p, c, a]) => el("li", {}, `${lb} ${l.protocol} ${l.port}, priority ${p}: `, el("code", {}, c || "(any)"), ` → ${a}`))));
  }
  if (live) {
    const tasks = live.tasks.filter((t) => t.service === name);
    parts.push(el("h2", {}, "Tasks"));
    parts.push(el("table", {}, el("caption", {class: "sr"}, `tasks of ${name}`),
      el("thead", {}, el("tr", {}, el("th", {scope: "col"}, "Task"), el("th", {scope: "col"}, "Address"), el("th", {scope: "col"}, "Health"), el("th", {scope: "col"}, "Faults"))),
      el("tbody", {}, tasks.map((t) => el("tr", {}, el("td", {}, el("code", {}, t.id)), el("td", {}, el("code", {}, t.addr)), el("td", {}, healthText(t.health)), el("td", {}, t.faults || ""))))));
    const tgs = [];
    for (const x of live.listeners) for (const g of x.target_groups) if (g.service === name && !tgs.some((o) => o.id === g.id)) tgs.push(g);
    if (tgs.length) parts.push(targetGroups(tgs, "its target groups"));
    const cm = (live.cloud_map || []).find((c) => c.service === name);
    if (cm) {
      parts.push(el("h2", {}, `Cloud Map answers for ${cm.name}`));
      parts.push(el("ul", {class: "plain"}, cm.answers.map((a) => el("li", {}, el("code", {}, a)))));
    }
    const sem = (live.semantics || {})[name];
    if (sem) parts.push(el("h2", {}, "Semantics running"), el("ul", {class: "plain"}, sem.map((s) => el("li", {}, s))));
  }
  box.replaceChildren(...parts);
}

function forwardsTo(action, service) {
  return Boolean(action) && (state.target_groups[service] || []).some((tg) => action.includes(tg));
}

function targetGroups(groups, caption) {
  return el("table", {}, el("caption", {class: "sr"}, caption),
    el("thead", {}, el("tr", {}, el("th", {scope: "col"}, "Target group"), el("th", {scope: "col"}, "Target"), el("th", {scope: "col"}, "Health"), el("th", {scope: "col", class: "num"}, "In flight"))),
    el("tbody", {}, groups.flatMap((g) => (g.targets.length ? g.targets : [null]).map((t) => el("tr", {},
      el("td", {}, el("code", {}, g.id)), el("td", {}, t ? el("code", {}, t.addr) : "none"), el("td", {}, t ? healthText(t.health) : ""), el("td", {class: "num"}, t ? t.in_flight : ""))))));
}

// Live: health on the chips, requests and errors on the flows.
function paintLive() {
  const byChip = {};
  for (const t of live.tasks) {
    const k = `service:${t.service}|${t.subnet}`;
    (byChip[k] = byChip[k] || []).push(t.health);
  }
  for (const r of document.querySelectorAll('#diagram rect[data-ref^="service:"]')) {
    const hs = byChip[`${r.dataset.ref}|${r.dataset.subnet}`];
    r.classList.remove("health-healthy", "health-unhealthy", "health-initial", "health-unused");
    if (!hs) continue;
    const h = hs.includes("unhealthy") ? "unhealthy" : hs.every((x) => x === "healthy") ? "healthy" : "initial";
    r.classList.add("health-" + h);
    r.setAttribute("aria-label", `service ${r.dataset.ref.slice(8)} in ${r.dataset.subnet}: ${hs.length} task(s), ${h}`);
  }
  const flows = {};
  for (const f of live.flows) flows[f.id] = f;
  for (const p of document.querySelectorAll("#diagram path[data-flow]")) {
    const f = flows[p.dataset.flow];
    p.classList.remove("flow-errors", "flow-some-errors");
    if (!f) continue;
    p.setAttribute("stroke-width", (1.5 + Math.min(4, Math.log2(1 + f.rps))).toFixed(1));
    if (f.error_share >= 0.5) p.classList.add("flow-errors");
    else if (f.error_share > 0) p.classList.add("flow-some-errors");
    let title = p.querySelector("title");
    if (!title) { title = document.createElementNS("http://www.w3.org/2000/svg", "title"); p.append(title); }
    title.textContent = `${f.from} → ${f.to}: ${f.rps.toFixed(1)} requests/s, ${(f.error_share * 100).toFixed(0)}% errors`;
    p.dataset.rps = f.rps.toFixed(2);
    p.dataset.errorShare = f.error_share.toFixed(2);
  }
}

function renderLivePanels() {
  const entries = live.entries.map((e) => e.key);
  fillSelect($("send-entry"), entries, live.entries.map((e) => `${e.load_balancer} ${e.protocol} ${e.port} (${e.addr})`));
  const builtin = live.tasks.filter((t) => t.builtin);
  fillSelect($("fault-task"), builtin.map((t) => t.id), builtin.map((t) => `${t.id} (${t.service})`));
  const faulty = live.tasks.filter((t) => t.faults);
  $("faults").replaceChildren(...(faulty.length ? faulty.map((t) => el("li", {}, el("code", {}, t.id), ` ${t.faults} `,
    el("button", {type: "button", class: "secondary", "aria-label": `remove the faults of ${t.id}`, onclick: () => clearFault(t.id)}, "Remove"))) : [el("li", {class: "empty"}, "No faults.")]));
  const fl = $("flows");
  if (!live.flow_logs) {
    fl.replaceChildren(el("p", {}, live.flow_logs_note));
    return;
  }
  // Accepted and rejected packets at each interface, as the flow logs
  // count them; rejected ones first.
  const stats = (live.flow_stats || []).slice().sort((a, b) => (b.rejected > 0) - (a.rejected > 0));
  const end = (addr, name) => name ? [el("code", {}, addr), ` (${name})`] : [el("code", {}, addr)];
  fl.replaceChildren(el("p", {class: "hint"}, `VPC Flow Logs: ${stats.length} flows at the interfaces, counted in the router's nftables as the groups and NACLs passed or dropped each packet.`),
    el("table", {id: "flow-table"}, el("caption", {class: "sr"}, "accepted and rejected packets per interface, direction, peer and port"),
      el("thead", {}, el("tr", {}, el("th", {scope: "col"}, "Interface"), el("th", {scope: "col"}, "Direction"), el("th", {scope: "col"}, "Source"),
        el("th", {scope: "col"}, "Destination"), el("th", {scope: "col"}, "Port"), el("th", {scope: "col", class: "num"}, "Accepted"), el("th", {scope: "col", class: "num"}, "Rejected"))),
      el("tbody", {}, stats.map((f) => el("tr", {class: f.rejected > 0 ? "rejected" : "accepted"},
        el("td", {}, el("code", {}, f.interface)), el("td", {}, f.direction), el("td", {}, ...end(f.src, f.src_name)), el("td", {}, ...end(f.dst, f.dst_name)),
        el("td", {}, `${f.protocol} ${f.port}`), el("td", {class: "num"}, f.accepted), el("td", {class: f.rejected > 0 ? "num bad" : "num"}, f.rejected))))));
}

function renderRequests() {
  const q = $("requests-filter").value.trim().toLowerCase();
  const rows = requests.filter((r) => !q || JSON.stringify(r).toLowerCase().includes(q));
  $("requests").tBodies[0].replaceChildren(...rows.map((r) => el("tr", {},
    el("td", {}, r.time.slice(11, 23)), el("td", {}, r.load_balancer), el("td", {}, el("code", {}, `${r.method} ${r.path}`)),
    el("td", {class: r.status >= 500 ? "bad" : r.status >= 400 ? "warn" : ""}, r.status), el("td", {}, el("code", {}, r.target || "-")),
    el("td", {class: "num"}, r.ms.toFixed(1)), el("td", {}, el("code", {}, r.trace_id)))));
}

function tree(c) {
  const head = [el("strong", {}, c.service), c.task ? ` (${c.task})` : "", c.via ? ` via ${c.via}` : "", c.protocol ? ` ${c.protocol}` : "",
    c.latency_ms !== undefined ? ` ${c.latency_ms.toFixed(1)} ms` : "", c.error ? el("span", {class: "err"}, ` error: ${c.error}`) : ""];
  return el("li", {}, head, c.calls && c.calls.length ? el("ul", {}, c.calls.map(tree)) : null);
}

async function clearFault(task) {
  try {
    await api("DELETE", "/api/faults?task=" + encodeURIComponent(task));
    $("fault-result").replaceChildren(el("p", {class: "ok"}, `Faults of ${task} removed.`));
  } catch (e) { showError($("fault-result"), e); }
}

function headerLines(text) {
  return text.split("\n").map((l) => l.trim()).filter(Boolean).map((l) => {
    const i = l.indexOf(":");
    return i < 0 ? [l, ""] : [l.slice(0, i).trim(), l.slice(i + 1).trim()];
  });
}

function wireForms() {
  $("fit").addEventListener("click", () => {
    const on = $("diagram").classList.toggle("fit");
    $("fit").setAttribute("aria-pressed", on);
  });
  $("reach-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const out = $("reach-result");
    try {
      const a = await api("POST", "/api/reach", {from: $("reach-from").value, to: $("reach-to").value, port: Number($("reach-port").value) || 0, protocol: $("reach-proto").value});
      out.replaceChildren(el("p", {class: "verdict " + (a.reachable ? "ok" : "bad")}, `${a.from} → ${a.to} ${a.protocol} ${a.port}: ${a.reachable ? "reachable" : "BLOCKED"}`),
        ...a.paths.map((p) => el("div", {}, el("h2", {}, `${p.from} → ${p.to} (${p.protocol}: ${p.ports} pass)`),
          el("ul", {class: "plain"}, p.hops.map((h) => el("li", {}, el("span", {class: "sev " + (h.allowed ? "ok" : "bad")}, h.allowed ? "ok" : "blocked"), ` ${h.where}: `, el("span", {class: "detail"}, h.detail)))))));
    } catch (err) { showError(out, err); }
  });
  $("route-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const out = $("route-result");
    try {
      const a = await api("POST", "/api/route", {method: $("route-method").value, host: $("route-host").value, path: $("route-path").value, headers: headerLines($("route-headers").value), source_ip: $("route-source").value});
      out.replaceChildren(el("p", {class: "verdict"}, `${a.load_balancer} ${a.listener}: `, a.rule ? `rule priority ${a.rule.priority} (${a.rule.source})` : "the default action (no rule matched)", " ", a.rule && a.rule.line ? posLink(null, a.rule.line) : null),
        a.rule ? dl([["Conditions", el("code", {}, a.rule.conditions)]]) : null, dl([["Action", a.action]]),
        el("ul", {class: "plain"}, a.targets.map((t) => el("li", {}, el("code", {}, t.target_group), ` ${t.service}: ${t.percent}% of requests`))));
    } catch (err) { showError(out, err); }
  });
  if (mode !== "up") return;
  $("send-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const out = $("send-result");
    out.replaceChildren(el("p", {class: "empty"}, "Sending…"));
    try {
      const a = await api("POST", "/api/send", {entry: $("send-entry").value, method: $("send-method").value, host: $("send-host").value, path: $("send-path").value, headers: headerLines($("send-headers").value)});
      out.replaceChildren(el("p", {class: "verdict " + (a.status < 400 ? "ok" : "bad")}, `${a.status} in ${a.ms.toFixed(1)} ms`),
        dl([["Trace ID", el("code", {id: "trace-id"}, a.trace_id || "none")], ["URL", el("code", {}, a.url)]]),
        a.tree ? el("ul", {class: "tree", id: "call-tree", "aria-label": "call tree"}, tree(a.tree)) : el("pre", {class: "mono"}, a.body));
    } catch (err) { showError(out, err); }
  });
  $("fault-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const out = $("fault-result");
    const task = $("fault-task").value;
    try {
      await api("POST", "/api/faults", {task, faults: {error_rate: Number($("fault-error").value) || 0, latency_ms: Number($("fault-latency").value) || 0, fail_health: $("fault-health").checked, health_checks: $("fault-hc").checked}});
      out.replaceChildren(el("p", {class: "ok"}, `Fault added to ${task}.`));
    } catch (err) { showError(out, err); }
  });
  $("requests-filter").addEventListener("input", renderRequests);
}

function logReload(entry) {
  const li = el("li", {}, el("span", {class: "mono"}, new Date().toLocaleTimeString()), " ",
    entry.ok ? el("span", {class: "ok"}, entry.text) : el("span", {class: "bad"}, entry.text),
    entry.diagnostics && entry.diagnostics.length ? el("ul", {}, entry.diagnostics.filter((d) => d.severity === "error").map((d) => el("li", {}, posLink(d.file, d.line, d.column), " ", d.summary))) : null);
  $("reloads").prepend(li);
}

async function loadAll() {
  state = await api("GET", "/api/state");
  renderHeader();
  renderFindings();
  renderSubnets();
  fillForms();
  await Promise.all([loadDiagram(), loadSpec()]);
  renderDetails();
  document.body.dataset.version = state.version;
}

function listen() {
  const es = new EventSource("/api/events");
  es.addEventListener("design", async (e) => {
    const d = JSON.parse(e.data);
    logReload({ok: d.ok, text: d.ok ? `spec saved: design v${d.version}` : `spec saved with errors; the design is unchanged`, diagnostics: d.diagnostics});
    try { await loadAll(); } catch (err) { showError($("details"), err); }
  });
  es.addEventListener("reload", (e) => {
    const d = JSON.parse(e.data);
    logReload({ok: d.ok, text: d.text, diagnostics: d.diagnostics});
  });
  es.addEventListener("live", (e) => {
    live = JSON.parse(e.data);
    paintLive();
    renderLivePanels();
    if (selected) renderDetails();
  });
  es.addEventListener("requests", (e) => {
    const rs = JSON.parse(e.data);
    requests.unshift(...rs.reverse());
    requests.length = Math.min(requests.length, 100);
    renderRequests();
  });
}

wireForms();
loadAll().then(listen).catch((err) => {
  $("errors").hidden = false;
  $("errors").replaceChildren(el("p", {}, "The console could not load: " + err.message));
});
