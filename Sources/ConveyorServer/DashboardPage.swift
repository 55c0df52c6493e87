/// The dashboard (`GET /`): one self-contained page — queue stats, the memory gauge, recent
/// jobs with live progress, cancel/retry, and a form for any registered type — fed by the REST
/// API and the `/ws` WebSocket. A token comes from `#token=…` (as `serve` prints it) or a prompt.
enum DashboardPage {
    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Conveyor</title>
<style>
  :root { --bg:#0f1419; --panel:#182029; --line:#263241; --text:#e6edf3; --dim:#8b98a5; --accent:#4da3ff; --ok:#3fb950; --bad:#f85149; --warn:#d29922; }
  * { box-sizing: border-box; }
  body { margin:0; font:14px/1.4 system-ui, sans-serif; background:var(--bg); color:var(--text); }
  header { display:flex; align-items:center; gap:16px; padding:12px 20px; border-bottom:1px solid var(--line); }
  header h1 { font-size:18px; margin:0; }
  #conn { font-size:12px; padding:2px 8px; border-radius:10px; background:var(--line); color:var(--dim); }
  #conn.live { background:#12361f; color:var(--ok); }
  main { display:grid; grid-template-columns: 320px 1fr; gap:16px; padding:16px 20px; }
  section { background:var(--panel); border:1px solid var(--line); border-radius:8px; padding:14px; margin-bottom:16px; }
  h2 { font-size:13px; text-transform:uppercase; letter-spacing:.06em; color:var(--dim); margin:0 0 10px; }
  .stats { display:grid; grid-template-columns: repeat(4, 1fr); gap:8px; }
  .stat { background:var(--bg); border-radius:6px; padding:8px; text-align:center; }
  .stat b { display:block; font-size:20px; }
  .stat span { font-size:11px; color:var(--dim); }
  .gauge { height:14px; background:var(--bg); border-radius:7px; overflow:hidden; position:relative; margin:8px 0; }
  .gauge div { height:100%; background:var(--accent); transition: width .3s; }
  .gauge .peak { position:absolute; top:0; width:2px; background:var(--warn); }
  .dim { color:var(--dim); font-size:12px; }
  label { display:block; font-size:12px; color:var(--dim); margin:8px 0 3px; }
  input, select, textarea, button { font:inherit; color:var(--text); background:var(--bg); border:1px solid var(--line); border-radius:6px; padding:6px 8px; width:100%; }
  textarea { min-height:70px; font-family: ui-monospace, monospace; font-size:12px; }
  button { cursor:pointer; width:auto; background:#1f6feb; border-color:#1f6feb; }
  button.small { padding:2px 8px; font-size:12px; background:var(--line); border-color:var(--line); }
  table { width:100%; border-collapse:collapse; }
  th, td { text-align:left; padding:7px 6px; border-bottom:1px solid var(--line); vertical-align:middle; }
  th { font-size:11px; color:var(--dim); text-transform:uppercase; }
  td.id { font-family: ui-monospace, monospace; font-size:11px; color:var(--dim); }
  .bar { height:8px; background:var(--bg); border-radius:4px; overflow:hidden; min-width:120px; }
  .bar div { height:100%; background:var(--accent); transition: width .25s; }
  .status { font-size:12px; padding:1px 7px; border-radius:9px; background:var(--line); }
  .status.completed { color:var(--ok); } .status.failed { color:var(--bad); } .status.running { color:var(--accent); } .status.cancelled { color:var(--warn); }
  #message { min-height:18px; font-size:12px; margin-top:8px; }
  #message.error { color:var(--bad); }
  #login { max-width:420px; margin:60px auto; }
</style>
</head>
<body>
<header><h1>Conveyor</h1><span id="conn">offline</span><span class="dim" id="who"></span></header>
<div id="login" hidden>
  <section>
    <h2>Sign in</h2>
    <p class="dim">Paste an API token (<code>conveyor token --user NAME</code>, or the admin token <code>conveyor serve</code> printed).</p>
    <label for="token-input">Token</label><input id="token-input" autocomplete="off">
    <p><button id="token-save">Open dashboard</button></p>
  </section>
</div>
<main id="app" hidden>
  <div>
    <section>
      <h2>Queues</h2>
      <div class="stats" id="stats"></div>
      <p class="dim" id="stats-extra"></p>
    </section>
    <section>
      <h2>Memory budget</h2>
      <div class="gauge"><div id="mem-bar" style="width:0"></div><div class="peak" id="mem-peak" style="left:0"></div></div>
      <div class="dim" id="mem-text">–</div>
    </section>
    <section>
      <h2>Enqueue a job</h2>
      <form id="enqueue">
        <label for="type">Type</label><select id="type" name="type"></select>
        <div class="dim" id="stages"></div>
        <label for="payload">Payload (JSON)</label><textarea id="payload" name="payload">{}</textarea>
        <label for="priority">Priority</label>
        <select id="priority" name="priority"><option value="">handler default</option><option>high</option><option>normal</option><option>low</option></select>
        <p><button type="submit" id="submit">Enqueue</button></p>
        <div id="message"></div>
      </form>
    </section>
  </div>
  <section>
    <h2>Recent jobs</h2>
    <table>
      <thead><tr><th>Job</th><th>Type</th><th>Status</th><th>Progress</th><th>Stage</th><th></th></tr></thead>
      <tbody id="jobs"></tbody>
    </table>
  </section>
</main>
<script>
"use strict";
const examples = { sleep: {ms: 3000}, noop: {}, flaky: {failTimes: 1}, email: {to: ["someone@example.com"], subject: "Hello", text: "Hi!"},
  "video-download": {url: "https://example.com/video.mp4"}, "media-probe": {url: "https://example.com/video.mp4"},
  "video-to-telegram": {url: "https://example.com/video.mp4", chatId: "@channel"} };
const fromHash = new URLSearchParams(location.hash.slice(1)).get("token");
if (fromHash) { localStorage.setItem("conveyor.token", fromHash); history.replaceState(null, "", location.pathname); }
let token = localStorage.getItem("conveyor.token");
const $ = (id) => document.getElementById(id);
const jobs = new Map();
let socket = null;

function show(signedIn) { $("login").hidden = signedIn; $("app").hidden = !signedIn; }
$("token-save").onclick = () => { token = $("token-input").value.trim(); localStorage.setItem("conveyor.token", token); start(); };

async function api(method, path, body) {
  const response = await fetch(path, { method, headers: { "Authorization": "Bearer " + token, ...(body ? {"Content-Type": "application/json"} : {}) },
    body: body ? JSON.stringify(body) : undefined });
  const data = await response.json().catch(() => ({}));
  if (response.status === 401) { localStorage.removeItem("conveyor.token"); token = null; show(false); }
  if (!response.ok) throw new Error(data.error ? data.error.message : "HTTP " + response.status);
  return data;
}

function claims() { try { return JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"))); } catch { return {}; } }

function renderStats(s) {
  const keys = ["queued", "running", "scheduled", "waiting", "completed", "failed", "cancelled", "total"];
  $("stats").innerHTML = keys.map(k => `<div class="stat"><b id="stat-${k}">${s[k]}</b><span>${k}</span></div>`).join("");
  const age = s.oldestQueuedAge == null ? "none waiting" : `oldest queued ${s.oldestQueuedAge.toFixed(1)} s`;
  $("stats-extra").textContent = `${s.throughputPerMinute}/min · workers ${s.workers.active}/${s.workers.max} · ${age}` + (s.paused.length ? ` · paused: ${s.paused.join(", ")}` : "");
  renderMemory(s.memory);
}

function renderMemory(m) {
  const pct = m.max ? 100 * m.current / m.max : 0, peak = m.max ? 100 * m.peak / m.max : 0;
  $("mem-bar").style.width = pct.toFixed(1) + "%";
  $("mem-bar").style.background = pct >= m.warningThreshold ? "var(--bad)" : "var(--accent)";
  $("mem-peak").style.left = peak.toFixed(1) + "%";
  $("mem-text").textContent = `${m.formatted.current} of ${m.formatted.max} (peak ${m.formatted.peak}) · ${m.activeReservations} reservations · ${m.waiters} waiting · per job ≤ ${m.formatted.perJobCap}`;
}

function renderJobs() {
  const rows = [...jobs.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(0, 50);
  $("jobs").innerHTML = rows.map(j => {
    const p = j.progress || {percent: 0};
    const text = [p.stage, p.message].filter(Boolean).join(" — ") || (j.error ? j.error.message : "");
    const action = ["failed", "cancelled"].includes(j.status) ? `<button class="small" data-retry="${j.id}">Retry</button>`
      : ["completed"].includes(j.status) ? "" : `<button class="small" data-cancel="${j.id}">Cancel</button>`;
    return `<tr data-job="${j.id}"><td class="id" title="${j.id}">${j.id.slice(-12)}</td><td>${escape(j.type)}</td>` +
      `<td><span class="status ${j.status}">${j.status}</span></td>` +
      `<td><div class="bar"><div class="progress" style="width:${p.percent}%"></div></div><span class="dim">${p.percent.toFixed(0)}%</span></td>` +
      `<td class="dim">${escape(text)}</td><td>${action}</td></tr>`;
  }).join("");
}

function escape(s) { return String(s ?? "").replace(/[&<>"]/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c])); }

$("jobs").onclick = async (event) => {
  const id = event.target.dataset.cancel || event.target.dataset.retry;
  if (!id) return;
  try {
    const job = await api("POST", `/api/jobs/${id}/${event.target.dataset.cancel ? "cancel" : "retry"}`);
    track(job);
  } catch (error) { note(error.message, true); }
};

function track(job) {
  jobs.set(job.id, job);
  renderJobs();
  if (!["completed", "failed", "cancelled"].includes(job.status) && socket && socket.readyState === 1)
    socket.send(JSON.stringify({type: "subscribe", topic: "job", jobId: job.id}));
}

function note(text, error) { $("message").textContent = text; $("message").className = error ? "error" : ""; }

$("type").onchange = () => {
  const handler = handlers.find(h => h.name === $("type").value);
  $("payload").value = JSON.stringify(examples[$("type").value] || {}, null, 1);
  $("stages").textContent = handler && handler.stages.length ? "stages: " + handler.stages.map(s => s.name).join(" → ") : "";
};

$("enqueue").onsubmit = async (event) => {
  event.preventDefault();
  let payload;
  try { payload = JSON.parse($("payload").value || "{}"); } catch { note("payload: not valid JSON", true); return; }
  const body = {type: $("type").value, payload};
  if ($("priority").value) body.priority = $("priority").value;
  try { const job = await api("POST", "/api/jobs", body); note(`Enqueued ${job.id}`); track(job); } catch (error) { note(error.message, true); }
};

// Jobs enqueued elsewhere appear when the queue stats change (at most once a second).
async function refreshJobs() {
  try {
    const list = await api("GET", "/api/jobs?limit=50");
    for (const job of list.jobs) {
      const known = jobs.get(job.id);
      if (!known) track(job);
      else if (known.status !== job.status && !(known.status === "running" && job.status === "queued")) { jobs.set(job.id, {...job, progress: job.progress.percent >= known.progress.percent ? job.progress : known.progress}); }
    }
    renderJobs();
  } catch (error) { note(error.message, true); }
}

let handlers = [];
function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  socket = new WebSocket(`${scheme}://${location.host}/ws?token=${encodeURIComponent(token)}`);
  socket.onopen = () => {
    $("conn").textContent = "live"; $("conn").className = "live";
    socket.send(JSON.stringify({type: "subscribe", topic: "queue"}));
    socket.send(JSON.stringify({type: "subscribe", topic: "memory"}));
    for (const job of jobs.values()) if (!["completed", "failed", "cancelled"].includes(job.status))
      socket.send(JSON.stringify({type: "subscribe", topic: "job", jobId: job.id}));
  };
  socket.onmessage = (event) => {
    const m = JSON.parse(event.data);
    if (m.type === "queue:stats") { renderStats(m); refreshJobs(); }
    else if (m.type === "memory:stats") renderMemory(m);
    else if (m.type === "job:progress" && jobs.has(m.jobId)) {
      const job = jobs.get(m.jobId);
      job.status = "running"; job.progress = {percent: m.progress, stage: m.stage, message: m.message};
      renderJobs();
    } else if (m.type === "job:finished" && jobs.has(m.jobId)) {
      const job = jobs.get(m.jobId);
      job.status = m.status; job.error = m.error || null;
      if (m.status === "completed") job.progress = {...job.progress, percent: 100};
      renderJobs();
    } else if (m.type === "error") note(m.message, true);
  };
  socket.onclose = () => { $("conn").textContent = "reconnecting…"; $("conn").className = ""; setTimeout(connect, 2000); };
}

async function start() {
  if (!token) { show(false); return; }
  try {
    handlers = (await api("GET", "/api/handlers")).handlers;
    const list = await api("GET", "/api/jobs?limit=50");
    show(true);
    const c = claims();
    $("who").textContent = `${c.sub || "?"} (${c.role || "?"})`;
    $("type").innerHTML = handlers.map(h => `<option>${escape(h.name)}</option>`).join("");
    if (handlers.some(h => h.name === "sleep")) $("type").value = "sleep";
    $("type").onchange();
    list.jobs.forEach(j => jobs.set(j.id, j));
    renderJobs();
    renderStats(await api("GET", "/api/queues/stats"));
    connect();
  } catch (error) { if (token) { show(true); note(error.message, true); } }
}
start();
</script>
</body>
</html>
"""#
}
