#!/usr/bin/env python3
"""Loads the dashboard in headless Chromium, enqueues a `sleep` job through its form, checks
that the job's progress bar moves, and saves a screenshot.

Usage: check_dashboard.py CONVEYOR_BINARY SCREENSHOT.png
Starts `conveyor serve --store memory: --port 0` itself, drives Chromium over the DevTools
protocol (websocket-client from PyPI), exits non-zero with a reason if anything is missing.
"""
import base64, json, os, re, shutil, socket, subprocess, sys, tempfile, time, urllib.request

import websocket  # websocket-client


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(binary):
    env = dict(os.environ)
    env.pop("CONVEYOR_JWT_SECRET", None)
    server = subprocess.Popen([binary, "serve", "--store", "memory:", "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    base = token = None
    deadline = time.time() + 30
    while time.time() < deadline and not (base and token):
        line = server.stdout.readline()
        if not line:
            break
        if m := re.search(r"listening on (http://\S+)", line):
            base = m.group(1)
        if m := re.search(r"#token=(\S+)", line):
            token = m.group(1)
    if not (base and token):
        server.kill()
        sys.exit("conveyor serve did not print its URL and admin token")
    return server, base, token


class Page:
    def __init__(self, ws_url):
        self.ws = websocket.create_connection(ws_url, timeout=30)
        self.next_id = 0

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def eval(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")


def main():
    binary, screenshot = sys.argv[1], sys.argv[2]
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        sys.exit("chromium is not installed (Debian package chromium)")
    server, base, token = start_server(binary)
    profile = tempfile.mkdtemp(prefix="conveyor-chromium-")
    port = free_port()
    browser = subprocess.Popen([chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", f"--user-data-dir={profile}",
                                f"--remote-debugging-port={port}", "--window-size=1280,800", "about:blank"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        targets = None
        for _ in range(100):
            try:
                targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json"))
                if any(t["type"] == "page" for t in targets):
                    break
            except OSError:
                time.sleep(0.1)
        page = Page(next(t for t in targets if t["type"] == "page")["webSocketDebuggerUrl"])
        page.call("Page.enable")
        page.call("Page.navigate", url=f"{base}/#token={token}")
        wait(page, "document.getElementById('conn') && document.getElementById('conn').textContent === 'live'", "the dashboard never went live over the WebSocket")
        wait(page, "document.querySelectorAll('#type option').length > 0", "the enqueue form lists no job types")
        page.eval("""(() => { const t = document.getElementById('type'); t.value = 'sleep'; t.onchange();
            document.getElementById('payload').value = '{"ms": 4000}';
            document.getElementById('submit').click(); })()""")
        wait(page, "document.querySelector('#jobs tr[data-job]') !== null", "the enqueued job never appeared in the list")
        widths = []
        deadline = time.time() + 20
        while time.time() < deadline:
            width = page.eval("parseFloat(document.querySelector('#jobs tr[data-job] .progress').style.width)")
            if not widths or width != widths[-1]:
                widths.append(width)
            if 0 < width < 100 and len(widths) >= 3:
                break
            time.sleep(0.1)
        if len(widths) < 3 or widths != sorted(widths) or widths[-1] <= 0:
            sys.exit(f"the progress bar did not move forward: {widths}")
        checks = [f"progress bar moved through {', '.join(f'{w:g}%' for w in widths)}"]

        # A failure shows its reason in the list, and the job page shows its payload and error.
        page.eval("""(() => { const t = document.getElementById('type'); t.value = 'flaky'; t.onchange();
            document.getElementById('payload').value = '{"failTimes": 9, "permanent": true}';
            document.getElementById('submit').click(); })()""")
        wait(page, "[...document.querySelectorAll('#jobs tr[data-job] .error-text')].some(td => td.textContent.includes('Failing on purpose'))",
             "a failed job does not show why it failed")
        page.eval("[...document.querySelectorAll('#jobs tr[data-job]')].find(tr => tr.textContent.includes('flaky')).querySelector('td.id').click()")
        wait(page, "!document.getElementById('detail').hidden && document.getElementById('detail-payload').textContent.includes('failTimes')"
                   " && document.getElementById('detail-error').textContent.includes('permanent')", "the job page does not show payload and error")
        wait(page, "(() => { const rows = document.querySelectorAll('#detail-attempts tr'); return rows.length === 1"
                   " && rows[0].children[0].textContent === '1' && rows[0].children[1].textContent.length > 0"
                   " && rows[0].textContent.includes('Failing on purpose'); })()", "the job page does not list the failed attempt with its worker")
        checks.append("failure reason in the list, on the job page and in its failed attempts")

        # Filters: only failed jobs.
        page.eval("(() => { const f = document.getElementById('f-status'); f.value = 'failed'; f.onchange(); })()")
        wait(page, "(() => { const s = [...document.querySelectorAll('#jobs tr[data-job] .status')].map(e => e.textContent);"
                   " return s.length === 1 && s[0] === 'failed'; })()", "the state filter does not narrow the list to failed jobs")
        page.eval("(() => { const f = document.getElementById('f-status'); f.value = ''; f.onchange(); })()")
        checks.append("state filter")

        # Search asks the server: text in a payload finds that job alone.
        page.eval("(() => { const f = document.getElementById('f-search'); f.value = 'failTimes'; f.oninput(); })()")
        wait(page, "(() => { const rows = [...document.querySelectorAll('#jobs tr[data-job]')];"
                   " return rows.length === 1 && rows[0].textContent.includes('flaky'); })()", "searching for payload text does not find that job alone")
        page.eval("(() => { const f = document.getElementById('f-search'); f.value = ''; f.oninput(); })()")
        wait(page, "document.querySelectorAll('#jobs tr[data-job]').length > 1", "clearing the search does not bring the list back")
        checks.append("server-side search")

        # The workers view lists this server's workers.
        wait(page, "document.querySelectorAll('#workers tr[data-worker]').length === 1", "the workers view does not list the server's workers")
        checks.append("workers view")

        # Pause and resume a queue.
        wait(page, "document.querySelector('#queues [data-pause=\"default\"]') !== null", "no pause button for the default queue")
        page.eval("document.querySelector('#queues [data-pause=\"default\"]').click()")
        wait(page, "document.querySelector('#queues .queue.paused[data-queue=\"default\"]') !== null", "pausing the default queue did not show")
        page.eval("document.querySelector('#queues [data-resume=\"default\"]').click()")
        wait(page, "document.querySelector('#queues .queue.paused') === null", "resuming the default queue did not show")
        checks.append("pause and resume")

        # Bulk cancel, after confirming.
        long_id = page.eval("api('POST', '/api/jobs', {type: 'sleep', payload: {ms: 60000}}).then(j => { track(j); return j.id; })")
        wait(page, f"document.querySelector('#jobs input[data-select=\"{long_id}\"]') !== null", "the long job is not in the list")
        page.eval(f"(() => {{ window.confirm = () => true; document.querySelector('#jobs input[data-select=\"{long_id}\"]').click();"
                  " document.getElementById('bulk-cancel').click(); })()")
        wait(page, f"(() => {{ const tr = document.querySelector('#jobs tr[data-job=\"{long_id}\"]'); return tr && tr.querySelector('.status').textContent === 'cancelled'; }})()",
             "bulk cancel did not cancel the selected job")
        checks.append("bulk cancel with confirmation")

        # A diamond flow drawn as its graph, every node turning completed; a batch's bar filling.
        flow_id = page.eval("""api('POST', '/api/flows', {jobs: [
            {key: 'fetch', type: 'sleep', payload: {ms: 600}},
            {key: 'left', type: 'sleep', payload: {ms: 400}, dependsOn: ['fetch']},
            {key: 'right', type: 'noop', dependsOn: ['fetch']},
            {key: 'join', type: 'noop', dependsOn: ['left', 'right']}]}).then(f => f.id)""")
        page.eval(f"(() => {{ document.getElementById('group-id').value = '{flow_id}'; document.getElementById('open-flow').click(); }})()")
        wait(page, "document.querySelectorAll('#group-graph g.node').length === 4 && document.querySelectorAll('#group-graph path.edge').length === 4",
             "the flow is not drawn as four nodes and four edges")
        states = set()
        deadline = time.time() + 20
        while time.time() < deadline:
            now = page.eval("[...document.querySelectorAll('#group-graph g.node')].map(g => g.dataset.key + ':' + g.dataset.state).join(',')")
            states.add(now)
            if all(part.endswith(':completed') for part in now.split(',')):
                break
            time.sleep(0.05)
        else:
            sys.exit(f"the flow's nodes never all turned completed: {sorted(states)}")
        if len(states) < 2:
            sys.exit(f"the flow's graph did not change as its jobs ran: {sorted(states)}")
        columns = page.eval("(() => { const x = k => document.querySelector(`#group-graph g[data-key=\"${k}\"] rect`).getAttribute('x');"
                            " return [x('fetch'), x('left'), x('right'), x('join')].map(Number); })()")
        if not (columns[0] < columns[1] == columns[2] < columns[3]):
            sys.exit(f"the diamond is not laid out by depth: x = {columns}")
        wait(page, "document.getElementById('group-status').textContent === 'completed'", "the flow does not say completed")
        checks.append(f"flow graph of 4 nodes by depth, live through {len(states)} states")
        flow_png = screenshot.removesuffix(".png") + "-flow.png"
        with open(flow_png, "wb") as f:
            f.write(base64.b64decode(page.call("Page.captureScreenshot", format="png")["data"]))

        batch_id = page.eval("""api('POST', '/api/batches', {name: 'five', jobs: [1, 2, 3, 4, 5].map(n => ({type: 'sleep', payload: {ms: 200 * n}})),
            onComplete: {type: 'noop'}}).then(b => b.id)""")
        page.eval(f"(() => {{ document.getElementById('group-id').value = '{batch_id}'; document.getElementById('open-batch').click(); }})()")
        wait(page, "document.getElementById('group-title').textContent.includes('five')", "the batch panel did not open")
        ended = []
        deadline = time.time() + 20
        while time.time() < deadline:
            value = page.eval("(document.getElementById('batch-ended') || {}).textContent")
            if value is not None and (not ended or ended[-1] != value):
                ended.append(value)
            if value == "5":
                break
            time.sleep(0.05)
        if ended[-1:] != ["5"] or len(ended) < 3:
            sys.exit(f"the batch's progress did not move to 5 of 5: {ended}")
        wait(page, "document.getElementById('group-status').textContent === 'finished'"
                   " && document.querySelector('#group-facts [data-callback]') !== null"
                   " && parseFloat(document.querySelector('#group-bar [data-part=completed]').style.width) === 100",
             "the finished batch does not show a full bar and its onComplete job")
        checks.append(f"batch progress {' → '.join(ended)} of 5 with its callback")

        # A pipeline's steps in the job's detail: recorded, running and pending, then all completed.
        lines = os.path.join(profile, "lines.txt")
        open(lines, "w").close()
        steps_id = page.eval(f"api('POST', '/api/jobs', {{type: 'journal-lines', payload: {{file: {json.dumps(lines)}, stallMs: 2000}}}})"
                             ".then(j => { track(j); return j.id; })")
        wait(page, f"document.querySelector('#jobs tr[data-job=\"{steps_id}\"]') !== null", "the pipeline job is not in the list")
        page.eval(f"document.querySelector('#jobs tr[data-job=\"{steps_id}\"] td.id').click()")
        steps = "[...document.querySelectorAll('#detail-steps tr')].map(tr => tr.cells[0].textContent + ':' + tr.cells[1].textContent).join(',')"
        wait(page, f"{steps} === 'append:completed,stall:running,count:pending'", "the detail does not show append completed, stall running, count pending")
        wait(page, f"{steps} === 'append:completed,stall:completed,count:completed'", "the detail's steps did not all turn completed")
        checks.append("pipeline steps in the job detail, live to completed")
        page.eval("document.getElementById('detail').scrollIntoView()")
        with open(screenshot.removesuffix(".png") + "-steps.png", "wb") as f:
            f.write(base64.b64decode(page.call("Page.captureScreenshot", format="png")["data"]))

        time.sleep(0.5)
        png = page.call("Page.captureScreenshot", format="png")["data"]
        with open(screenshot, "wb") as f:
            f.write(base64.b64decode(png))
        print(f"dashboard: {'; '.join(checks)}; screenshot {screenshot}")
    finally:
        browser.kill()
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(profile, ignore_errors=True)


def wait(page, condition, failure, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if page.eval(condition):
            return
        time.sleep(0.1)
    sys.exit(failure)


if __name__ == "__main__":
    main()
