/// `GET /demo`: one self-contained HTML page that lets a person try the pub/sub API in a browser.
///
/// It speaks only the public contract: it opens `ws://<same host>/` offering the subprotocol
/// `websocket`, sends `subscribe` and `unsubscribe` actions, shows every message the server sends,
/// and posts `{"entityId":…,"message":…}` to `/events`. Scripts and styles are inline and the
/// `Content-Security-Policy` forbids loading anything else, so the page works offline and cannot be
/// turned into a loader for other content. Whatever the server sends is shown with `textContent`,
/// never parsed as HTML. Elements carry ids that the browser test (`Scripts/browser.sh`) drives.
enum DemoPage {
    /// The whole response, built once.
    static let response = HTTPResponse(
        status: 200, reason: "OK",
        headers: [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Cache-Control", "no-cache"),
            ("X-Content-Type-Options", "nosniff"),
            (
                "Content-Security-Policy",
                "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
                    + "connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
            ),
        ],
        body: Array(html.utf8))

    static let html = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <link rel="icon" href="data:,">
        <title>WebSocket pub/sub demo</title>
        <style>
          :root { --ink: #1d232a; --muted: #56606b; --line: #d5dbe1; --paper: #f6f8fa; --accent: #0b5cad;
                  --good: #1a7f37; --bad: #b42318; --note: #7a4b00; color-scheme: light; }
          * { box-sizing: border-box; }
          body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink);
                 background: var(--paper); }
          header { padding: 0.9rem 1.5rem; background: #fff; border-bottom: 1px solid var(--line); }
          header h1 { margin: 0; font-size: 1.25rem; }
          header p { margin: 0.2rem 0 0; color: var(--muted); }
          main { display: grid; gap: 1rem; padding: 1rem 1.5rem 2rem; max-width: 76rem;
                 grid-template-columns: minmax(18rem, 26rem) 1fr; }
          @media (max-width: 52rem) { main { grid-template-columns: 1fr; } }
          section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 0.9rem 1rem; }
          section h2 { margin: 0 0 0.6rem; font-size: 1rem; }
          .side { display: grid; gap: 1rem; align-content: start; }
          dl { display: grid; grid-template-columns: auto 1fr; gap: 0.25rem 0.8rem; margin: 0 0 0.7rem; }
          dt { color: var(--muted); }
          dd { margin: 0; font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; overflow-wrap: anywhere; }
          [data-state="open"] { color: var(--good); font-weight: 600; }
          [data-state="closed"] { color: var(--bad); font-weight: 600; }
          label { display: block; font-weight: 600; margin: 0.5rem 0 0.2rem; }
          .hint { color: var(--muted); font-size: 0.85rem; margin: 0.2rem 0 0; }
          input, textarea { width: 100%; font: 14px ui-monospace, "SFMono-Regular", Menlo, monospace;
                            padding: 0.4rem 0.5rem; border: 1px solid #9aa4ae; border-radius: 5px; }
          textarea { min-height: 4.5rem; resize: vertical; }
          .buttons { display: flex; gap: 0.5rem; flex-wrap: wrap; margin-top: 0.6rem; }
          button { font: inherit; padding: 0.35rem 0.9rem; border-radius: 5px; border: 1px solid var(--accent);
                   background: var(--accent); color: #fff; cursor: pointer; }
          button.secondary { background: #fff; color: var(--accent); }
          button:disabled { opacity: 0.45; cursor: not-allowed; }
          :focus-visible { outline: 3px solid #f0b429; outline-offset: 1px; }
          #subscriptions { list-style: none; margin: 0.7rem 0 0; padding: 0; display: flex; flex-wrap: wrap;
                           gap: 0.4rem; }
          #subscriptions li { display: flex; align-items: center; gap: 0.3rem; padding: 0.1rem 0.2rem 0.1rem 0.6rem;
                              border: 1px solid var(--line); border-radius: 999px; background: var(--paper);
                              font-family: ui-monospace, monospace; }
          #subscriptions button { padding: 0 0.45rem; line-height: 1.4; }
          #no-subscriptions { color: var(--muted); margin: 0.6rem 0 0; }
          pre { margin: 0.7rem 0 0; padding: 0.5rem; background: var(--paper); border-radius: 5px;
                white-space: pre-wrap; overflow-wrap: anywhere; min-height: 2.2rem; }
          .log-head { display: flex; justify-content: space-between; align-items: baseline; }
          #log { list-style: none; margin: 0; padding: 0; max-height: 70vh; overflow-y: auto;
                 font: 13px/1.4 ui-monospace, "SFMono-Regular", Menlo, monospace; }
          #log li { display: grid; grid-template-columns: 6.5rem 5.5rem 1fr; gap: 0.5rem; padding: 0.3rem 0.4rem;
                    border-left: 4px solid var(--line); border-bottom: 1px solid #eef1f4; }
          #log time { color: var(--muted); }
          #log .kind { font-weight: 600; }
          #log code { white-space: pre-wrap; overflow-wrap: anywhere; }
          #log li.message { border-left-color: var(--accent); background: #eef5fc; }
          #log li.reply { border-left-color: var(--good); }
          #log li.error { border-left-color: var(--bad); background: #fdf0ef; }
          #log li.sent { border-left-color: #9aa4ae; }
          #log li.info { border-left-color: var(--note); }
          #log li.publish { border-left-color: #6e40c9; }
        </style>
        </head>
        <body>
        <header>
          <h1>WebSocket pub/sub demo</h1>
          <p>Subscribe to entity ids, publish to them, and watch every message the server sends.</p>
        </header>
        <main>
          <div class="side">
            <section aria-labelledby="connection-heading">
              <h2 id="connection-heading">Connection</h2>
              <dl>
                <dt>Endpoint</dt><dd id="ws-url"></dd>
                <dt>State</dt><dd id="connection-state" data-state="connecting" aria-live="polite">connecting</dd>
                <dt>Subprotocol</dt><dd id="ws-protocol">(none)</dd>
                <dt>Extensions</dt><dd id="ws-extensions">(none)</dd>
              </dl>
              <div class="buttons">
                <button type="button" id="connect" class="secondary">Connect</button>
                <button type="button" id="disconnect" class="secondary">Disconnect</button>
              </div>
            </section>

            <section aria-labelledby="subscribe-heading">
              <h2 id="subscribe-heading">Subscriptions</h2>
              <form id="subscribe-form">
                <label for="entity-id">Entity id</label>
                <input id="entity-id" name="entityId" value="room-1" required maxlength="1024" autocomplete="off">
                <div class="buttons">
                  <button type="submit" id="subscribe">Subscribe</button>
                  <button type="button" id="unsubscribe" class="secondary">Unsubscribe</button>
                </div>
              </form>
              <ul id="subscriptions" aria-label="Current subscriptions"></ul>
              <p id="no-subscriptions">No subscriptions.</p>
            </section>

            <section aria-labelledby="publish-heading">
              <h2 id="publish-heading">Publish through POST /events</h2>
              <form id="publish-form">
                <label for="publish-entity">Entity id</label>
                <input id="publish-entity" name="entityId" value="room-1" required maxlength="1024" autocomplete="off">
                <label for="publish-message">Message</label>
                <textarea id="publish-message" name="message" aria-describedby="publish-hint">{"text":"hello"}</textarea>
                <p class="hint" id="publish-hint">Any JSON value; text that is not JSON is sent as a string.</p>
                <div class="buttons"><button type="submit" id="publish">Publish</button></div>
              </form>
              <pre id="publish-report" aria-live="polite" aria-label="Publish report"></pre>
            </section>
          </div>

          <section aria-labelledby="log-heading">
            <div class="log-head">
              <h2 id="log-heading">Messages <span id="log-count">(0)</span></h2>
              <button type="button" id="clear-log" class="secondary">Clear</button>
            </div>
            <ol id="log" role="log" aria-labelledby="log-heading"></ol>
          </section>
        </main>
        <script>
        "use strict";
        (() => {
          const byId = (id) => document.getElementById(id);
          const endpoint = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/";
          // Bounded, so that a page left open on a busy entity does not grow without end.
          const maxLogEntries = 500;
          const subscriptions = new Set();
          let socket = null;
          let received = 0;

          function log(kind, text) {
            const item = document.createElement("li");
            item.className = kind;
            item.dataset.kind = kind;
            const now = new Date();
            const time = document.createElement("time");
            time.dateTime = now.toISOString();
            time.textContent = now.toTimeString().slice(0, 8) + "." + String(now.getMilliseconds()).padStart(3, "0");
            const label = document.createElement("span");
            label.className = "kind";
            label.textContent = kind;
            const body = document.createElement("code");
            body.textContent = text;
            item.append(time, label, body);
            const list = byId("log");
            list.prepend(item);
            while (list.children.length > maxLogEntries) list.lastElementChild.remove();
            byId("log-count").textContent = "(" + list.children.length + ")";
          }

          function setState(state, detail) {
            const element = byId("connection-state");
            element.dataset.state = state;
            element.textContent = detail ? state + " (" + detail + ")" : state;
            const open = state === "open";
            byId("connect").disabled = socket !== null;
            byId("disconnect").disabled = !open;
            byId("subscribe").disabled = !open;
            byId("unsubscribe").disabled = !open;
            for (const button of byId("subscriptions").querySelectorAll("button")) button.disabled = !open;
          }

          function renderSubscriptions() {
            const list = byId("subscriptions");
            list.replaceChildren();
            for (const entityId of [...subscriptions].sort()) {
              const item = document.createElement("li");
              item.dataset.entityId = entityId;
              const name = document.createElement("span");
              name.textContent = entityId;
              const remove = document.createElement("button");
              remove.type = "button";
              remove.className = "secondary";
              remove.textContent = "\u00d7";
              remove.setAttribute("aria-label", "Unsubscribe from " + entityId);
              remove.disabled = !socket || socket.readyState !== WebSocket.OPEN;
              remove.addEventListener("click", () => send({ action: "unsubscribe", entityId }));
              item.append(name, remove);
              list.append(item);
            }
            byId("no-subscriptions").hidden = subscriptions.size > 0;
          }

          function send(request) {
            if (!socket || socket.readyState !== WebSocket.OPEN) return;
            const text = JSON.stringify(request);
            socket.send(text);
            log("sent", text);
          }

          function receive(event) {
            received += 1;
            if (typeof event.data !== "string") {
              log("message", "(binary message, " + event.data.size + " bytes)");
              return;
            }
            let value = null;
            try { value = JSON.parse(event.data); } catch { value = null; }
            if (value && typeof value === "object" && typeof value.entityId === "string" && "status" in value) {
              if (value.status === "subscribed") subscriptions.add(value.entityId);
              if (value.status === "unsubscribed") subscriptions.delete(value.entityId);
              renderSubscriptions();
              log("reply", event.data);
            } else if (value && typeof value === "object" && "error" in value) {
              log("error", event.data);
            } else {
              log("message", event.data);
            }
          }

          function connect() {
            if (socket) return;
            setState("connecting");
            socket = new WebSocket(endpoint, "websocket");
            const current = socket;
            current.addEventListener("open", () => {
              byId("ws-protocol").textContent = current.protocol || "(none)";
              byId("ws-extensions").textContent = current.extensions || "(none)";
              setState("open");
              log("info", "connected to " + endpoint + " (subprotocol " + (current.protocol || "none") + ")");
            });
            current.addEventListener("message", receive);
            current.addEventListener("close", (event) => {
              if (socket !== current) return;
              socket = null;
              // The server forgets a connection's subscriptions when it closes.
              subscriptions.clear();
              renderSubscriptions();
              const reason = event.reason ? ", " + event.reason : "";
              setState("closed", "code " + event.code + reason);
              log("info", "closed with code " + event.code + reason);
            });
          }

          byId("ws-url").textContent = endpoint;
          byId("connect").addEventListener("click", connect);
          byId("disconnect").addEventListener("click", () => socket && socket.close(1000, "closed by the page"));
          byId("subscribe-form").addEventListener("submit", (event) => {
            event.preventDefault();
            send({ action: "subscribe", entityId: byId("entity-id").value });
          });
          byId("unsubscribe").addEventListener("click", () => {
            send({ action: "unsubscribe", entityId: byId("entity-id").value });
          });
          byId("clear-log").addEventListener("click", () => {
            byId("log").replaceChildren();
            byId("log-count").textContent = "(0)";
          });
          byId("publish-form").addEventListener("submit", async (event) => {
            event.preventDefault();
            const report = byId("publish-report");
            const text = byId("publish-message").value;
            let message;
            try { message = JSON.parse(text); } catch { message = text; }
            const body = JSON.stringify({ entityId: byId("publish-entity").value, message });
            report.dataset.status = "pending";
            report.textContent = "POST /events " + body;
            try {
              const response = await fetch("/events", {
                method: "POST",
                headers: { "Content-Type": "application/json" },
                body,
              });
              const answer = await response.text();
              report.dataset.status = String(response.status);
              report.textContent = response.status + " " + response.statusText + "\n" + answer;
              log("publish", "POST /events " + body + " \u2192 " + response.status + " " + answer);
            } catch (error) {
              report.dataset.status = "failed";
              report.textContent = "POST /events failed: " + error;
            }
          });

          renderSubscriptions();
          connect();
          // For tests and the curious: the current socket and the count of messages received.
          window.pubSubDemo = { get socket() { return socket; }, get received() { return received; } };
        })();
        </script>
        </body>
        </html>
        """#
}
