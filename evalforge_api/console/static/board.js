// The incident board: draws the state the page embeds, then follows the /ws event stream without reloading.
// Every text from the server is inserted with textContent (never innerHTML), and only http(s) URLs become links.
// After a dropped connection it reconnects with a growing pause and fetches the whole state again, so events
// missed while away are not lost. window.evalforgeBoard.received records when each event arrived (the
// console benchmark reads it to time delivery).
(function () {
  "use strict";

  var STATE_URL = "/incidents/board/state";
  var RECONNECT_FIRST_MS = 500;
  var RECONNECT_MAX_MS = 15000;
  var TIMELINE_MAX = 200;

  var root = document.getElementById("board");
  if (!root) { return; }
  var pinnedIncident = root.dataset.incident || "";
  var state = JSON.parse(document.getElementById("board-state").textContent);
  var board = window.evalforgeBoard = { received: [], connected: false, state: state };
  var retryDelay = RECONNECT_FIRST_MS;
  var everConnected = false;

  function byId(id) { return document.getElementById(id); }

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (className) { node.className = className; }
    return node;
  }

  function safeUrl(url) {
    if (typeof url !== "string") { return null; }
    try {
      var parsed = new URL(url);
      return (parsed.protocol === "http:" || parsed.protocol === "https:") ? parsed.href : null;
    } catch (e) {
      return null;
    }
  }

  function link(label, url) {
    var href = safeUrl(url);
    if (!href) { return el("span", label); }
    var a = el("a", label);
    a.href = href;
    a.rel = "noopener noreferrer";
    a.target = "_blank";
    return a;
  }

  function badge(value) {
    var span = el("span", value || "—", "state");
    span.dataset.state = value || "";
    return span;
  }

  function when(iso) {
    if (!iso) { return "—"; }
    var date = new Date(iso);
    return isNaN(date.getTime()) ? String(iso) : date.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
  }

  function showError(message) {
    var box = byId("board-error");
    box.textContent = message;
    box.hidden = !message;
  }

  // ---- drawing ------------------------------------------------------------------------------------------------
  function drawStatus() {
    var status = state.status;
    var badgeNode = byId("system-state");
    badgeNode.textContent = status.status;
    badgeNode.dataset.state = status.status;
    byId("status-error-rate").textContent = (status.error_rate_5m * 100).toFixed(1) + " %";
    byId("status-p95").textContent = Math.round(status.p95_latency_ms_5m) + " ms";
    byId("status-incident").textContent = status.active_incident_id || "none";
    byId("status-updated").textContent = when(status.updated_at);
  }

  function fact(list, term, value) {
    list.appendChild(el("dt", term));
    var dd = el("dd");
    if (value instanceof Node) { dd.appendChild(value); } else { dd.textContent = value === null || value === undefined ? "—" : String(value); }
    list.appendChild(dd);
  }

  // The war room as the board knows it from the page or its last state fetch (Slack's own progress sends no
  // event): a link to the channel, and a failing Slack call's sentence with its next retry.
  function warRoom(room) {
    if (!room) { return "none opened"; }
    var box = el("span");
    box.dataset.warRoom = room.status;
    if (room.status === "not_configured") { box.textContent = "Slack not configured"; return box; }
    var name = room.channel_name ? "#" + room.channel_name :
      (room.mode === "webhook" ? "posted to the Slack webhook" : "being opened");
    box.appendChild(link(name, room.channel_url));
    if (room.status === "failing") {
      box.appendChild(el("br"));
      box.appendChild(el("span", "Slack failing: " + room.last_error + " (" + room.retry_count +
        " failed attempt(s); next retry at " + when(room.next_retry_at) + ")", "notice-warn"));
    }
    return box;
  }

  function drawIncident() {
    var box = byId("incident-card");
    box.replaceChildren();
    var card = state.incident;
    if (!card) {
      box.appendChild(el("p", "No incident yet. Break checkout with the switch, or wait for the monitor.", "muted"));
      return;
    }
    box.appendChild(el("h3", card.title));
    var facts = el("dl", null, "facts");
    fact(facts, "Incident", card.incident_id);
    fact(facts, "State", badge(state.incident_state));
    fact(facts, "Open", state.incident_open ? "yes" : "no (closed)");
    fact(facts, "Detected", when(card.detected_at));
    var summary = card.datadog_summary;
    fact(facts, "Service", summary.service);
    fact(facts, "Monitor", summary.monitor_id || "none (detected without a monitor)");
    fact(facts, "War room", warRoom(state.war_room));
    fact(facts, "Error rate at detection", (summary.signal.error_rate_5m * 100).toFixed(1) + " %");
    fact(facts, "p95 at detection", Math.round(summary.signal.p95_latency_ms_5m) + " ms");
    fact(facts, "Top error", summary.signal.top_error || "—");
    box.appendChild(facts);
    box.appendChild(el("h4", "Evidence"));
    var links = state.evidence_links || [];
    if (!links.length) {
      box.appendChild(el("p", "No evidence links.", "muted"));
      return;
    }
    var list = el("ul", null, "evidence");
    links.forEach(function (item) {
      var li = el("li");
      li.appendChild(link(item.label, item.url));
      list.appendChild(li);
    });
    box.appendChild(list);
  }

  function drawChecks() {
    var list = byId("checks");
    list.replaceChildren();
    var items = state.incident ? state.incident.plan.items.slice() : [];
    items.sort(function (a, b) { return a.priority - b.priority; });
    var results = {};
    if (state.run) { state.run.tests.forEach(function (t) { results[t.test_id] = t; }); }
    var summary = byId("run-summary");
    if (!state.incident) {
      summary.textContent = "No incident, so no plan.";
    } else if (!items.length) {
      summary.textContent = "The plan is being written…";
    } else if (!state.run) {
      summary.textContent = "Plan of " + items.length + " checks; no validation run yet.";
    } else {
      var failed = state.run.tests.filter(function (t) { return t.status === "FAIL"; }).length;
      summary.textContent = "Validation run " + state.run.run_id + ": " + state.run.status +
        (failed ? " (" + failed + " failing)" : "") + ", started " + when(state.run.started_at) + ".";
    }
    items.forEach(function (item) {
      var result = results[item.test_id];
      var li = el("li");
      li.dataset.testId = item.test_id;
      var head = el("div", null, "check-head");
      head.appendChild(el("strong", item.priority + ". " + item.name));
      var status = badge(result ? result.status : "PENDING");
      status.classList.add("check-status");
      head.appendChild(status);
      li.appendChild(head);
      li.appendChild(el("p", item.what_it_checks));
      var target = el("p", null, "muted");
      target.appendChild(el("code", item.type + " · " + item.target.method + " " + item.target.url));
      li.appendChild(target);
      li.appendChild(el("p", "Passes when: " + item.pass_criteria, "muted"));
      if (result && result.details) {
        li.appendChild(el("pre", result.details, result.status === "FAIL" ? "check-details" : "check-details check-details-ok"));
      }
      list.appendChild(li);
    });
  }

  function timelineLine(entry) {
    return when(entry.at) + " — " + (entry.from_state ? entry.from_state + " → " : "") + entry.to_state +
      " (" + entry.actor + ")";
  }

  function drawTimeline() {
    var list = byId("timeline");
    list.replaceChildren();
    (state.timeline || []).forEach(function (entry) { list.appendChild(el("li", timelineLine(entry))); });
  }

  function note(at, text) {
    state.timeline = (state.timeline || []).concat([{ at: at, from_state: null, to_state: text, actor: "live" }]);
    if (state.timeline.length > TIMELINE_MAX) { state.timeline = state.timeline.slice(-TIMELINE_MAX); }
    var list = byId("timeline");
    list.appendChild(el("li", timelineLine(state.timeline[state.timeline.length - 1])));
    while (list.children.length > TIMELINE_MAX) { list.removeChild(list.firstChild); }
  }

  var answersShown = {};

  function addAnswer(answer) {
    // The asker gets the answer twice (the POST's reply and the copilot.answer event); draw it once.
    var key = answer.created_at + "|" + answer.question;
    if (answersShown[key]) { return; }
    answersShown[key] = true;
    var list = byId("copilot-answers");
    var li = el("li");
    li.appendChild(el("p", "Q: " + answer.question, "muted"));
    li.appendChild(el("p", answer.answer, "answer-text"));
    if (answer.citations && answer.citations.length) {
      li.appendChild(el("p", "Sources:"));
      var cites = el("ul", null, "citations");
      answer.citations.forEach(function (c) {
        var item = el("li");
        item.appendChild(link(c.label, c.url));
        cites.appendChild(item);
      });
      li.appendChild(cites);
    }
    list.insertBefore(li, list.firstChild);
  }

  function drawAll() {
    drawStatus();
    drawIncident();
    drawChecks();
    drawTimeline();
  }

  // ---- events -------------------------------------------------------------------------------------------------
  function shownIncidentId() { return state.incident ? state.incident.incident_id : null; }

  function follows(incidentId) {
    // A pinned board shows one incident; the default board follows whatever incident is current.
    return pinnedIncident ? incidentId === pinnedIncident : true;
  }

  var handlers = {
    "system.status": function (payload, ts) {
      var before = state.status.status;
      state.status = payload;
      if (state.incident && payload.active_incident_id === shownIncidentId()) {
        state.incident_state = payload.status;
        state.incident_open = true;
      } else if (state.incident && payload.status === "HEALTHY" && !pinnedIncident) {
        state.incident_open = false;
      }
      if (before !== payload.status) { note(ts, "System status " + before + " → " + payload.status); }
      drawStatus();
      drawIncident();
    },
    "incident.created": function (payload, ts) {
      if (!follows(payload.incident_id)) { return; }
      var isNew = payload.incident_id !== shownIncidentId();
      state.incident = payload;
      state.incident_state = state.status.active_incident_id === payload.incident_id ? state.status.status : "INCIDENT_ACTIVE";
      state.incident_open = true;
      state.evidence_links = (payload.datadog_summary.evidence_links || []).map(function (l) {
        return { label: l.label, url: safeUrl(l.url) };
      });
      if (isNew) {
        state.run = null;
        state.timeline = [];
        // A new incident has no war room yet; without Slack it never will, and the board keeps saying why.
        state.war_room = state.war_room && state.war_room.status === "not_configured" ? state.war_room : null;
        drawTimeline();
      }
      note(ts, "Incident detected: " + payload.title);
      drawIncident();
      drawChecks();
    },
    "plan.generated": function (payload, ts) {
      if (!state.incident || payload.incident_id !== shownIncidentId()) { return; }
      state.incident.plan = payload.plan;
      note(ts, "Plan of " + payload.plan.items.length + " checks written");
      drawChecks();
    },
    "tests.updated": function (payload, ts) {
      if (!state.incident || payload.incident_id !== shownIncidentId()) { return; }
      var previous = state.run && state.run.run_id === payload.run_id ? state.run.status : null;
      state.run = payload;
      if (previous !== payload.status) { note(ts, "Validation run " + payload.run_id + " " + payload.status); }
      drawChecks();
    },
    "copilot.answer": function (payload) {
      if (payload.incident_id && state.incident && payload.incident_id !== shownIncidentId()) { return; }
      addAnswer(payload);
    }
  };

  function onMessage(message) {
    var envelope;
    try {
      envelope = JSON.parse(message.data);
    } catch (e) {
      return; // the server only sends JSON envelopes; anything else is not ours to draw
    }
    board.received.push({ type: envelope.type, ts: envelope.ts, payload: envelope.payload, at: Date.now() });
    if (board.received.length > 1000) { board.received.splice(0, board.received.length - 1000); }
    var handler = handlers[envelope.type];
    if (handler) { handler(envelope.payload, envelope.ts); }
    root.dataset.events = String(board.received.length);
  }

  function setConnection(kind, text) {
    var node = byId("connection");
    node.dataset.connection = kind;
    node.textContent = text;
    board.connected = kind === "live";
  }

  function refetchState() {
    var url = STATE_URL + (pinnedIncident ? "?incident=" + encodeURIComponent(pinnedIncident) : "");
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (fresh) { state = board.state = fresh; drawAll(); })
      .catch(function (error) {
        showError("Could not reload the board after reconnecting (" + error.message + "); reload the page.");
      });
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket;
    try {
      // The subprotocol marks a browser client; the session cookie authenticates it (same origin only).
      socket = new WebSocket(scheme + location.host + "/ws", ["evalforge"]);
    } catch (e) {
      scheduleReconnect();
      return;
    }
    socket.addEventListener("open", function () {
      retryDelay = RECONNECT_FIRST_MS;
      setConnection("live", "Live: updates appear as they happen.");
      if (everConnected) { refetchState(); }
      everConnected = true;
    });
    socket.addEventListener("message", onMessage);
    socket.addEventListener("close", function (event) {
      if (event.code === 1008) {
        setConnection("refused", "Live updates were refused (" + (event.reason || "not signed in") +
          "); sign in again and reload.");
        return;
      }
      scheduleReconnect();
    });
  }

  function scheduleReconnect() {
    var seconds = Math.round(retryDelay / 100) / 10;
    setConnection("reconnecting", "Connection lost; reconnecting in " + seconds + " s…");
    setTimeout(connect, retryDelay);
    retryDelay = Math.min(retryDelay * 2, RECONNECT_MAX_MS);
  }

  // ---- actions ------------------------------------------------------------------------------------------------
  // Calls go through the console's shared helper (session cookie plus the console header, error sentences).
  function post(url, body) {
    return window.evalforge.api("POST", url, body).then(function (result) {
      if (!result.ok) { throw new Error(result.message); }
      return result.body;
    });
  }

  function switchBug(event) {
    var button = event.currentTarget;
    var enabled = button.dataset.enabled === "true";
    button.disabled = true;
    showError("");
    post("/api/demo/bug", { enabled: enabled })
      .then(function (status) { handlers["system.status"](status, status.updated_at); })
      .catch(function (error) { showError("The bug switch did not change: " + error.message); })
      .finally(function () { button.disabled = false; });
  }

  function ask(event) {
    event.preventDefault();
    var field = byId("copilot-question");
    var question = field.value.trim();
    if (!question) { showError("Type a question for the copilot first."); field.focus(); return; }
    var button = byId("copilot-ask");
    button.disabled = true;
    button.textContent = "Asking…";
    showError("");
    post("/api/copilot/ask", { incident_id: shownIncidentId(), question: question })
      .then(function (answer) { field.value = ""; addAnswer(answer); })
      .catch(function (error) { showError("The copilot could not answer: " + error.message); })
      .finally(function () { button.disabled = false; button.textContent = "Ask the copilot"; });
  }

  if (root.dataset.canSwitch === "yes") {
    byId("bug-on").addEventListener("click", switchBug);
    byId("bug-off").addEventListener("click", switchBug);
  }
  byId("copilot-form").addEventListener("submit", ask);
  drawAll();
  connect();
})();
