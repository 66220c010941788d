// The console's small shared script: calls to the API with the session cookie and the console header (the CSRF
// defence: a page on another site cannot add a custom header), a status message area, and the page behaviours
// that hang off data- attributes. Other page scripts (board.js) use window.evalforge.api too.
(function () {
  "use strict";

  async function api(method, path, body) {
    const options = {method: method, credentials: "same-origin",
                     headers: {"X-Evalforge-Console": "1", "Accept": "application/json"}};
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, options);
    } catch (error) {
      return {ok: false, status: 0, body: null,
              message: "The API could not be reached; check that Evalforge is running and try again."};
    }
    let payload = null;
    try { payload = await response.json(); } catch (error) { payload = null; }
    return {ok: response.ok, status: response.status, body: payload, message: describe(response.status, payload)};
  }

  // The API's error bodies are sentences ({"detail": "..."} or {"message": "...", "detail": [...]}).
  function describe(status, payload) {
    if (status >= 200 && status < 300) { return ""; }
    if (payload && typeof payload.message === "string") { return payload.message; }
    if (payload && typeof payload.detail === "string") { return payload.detail; }
    if (status === 401) { return "Your session has ended; reload the page and sign in again."; }
    return "The request failed with status " + status + ".";
  }

  function flash(message, kind) {
    const area = document.getElementById("flash");
    if (!area) { return; }
    area.textContent = message;
    area.dataset.kind = kind || "ok";
    area.hidden = false;
  }

  // A message for the page that a reload is about to replace (a merge reloads the queue): kept in this tab's
  // sessionStorage and shown once the new page has loaded, so the result is still read.
  const PENDING_FLASH = "evalforge.flash";
  function reloadWithFlash(message, kind) {
    sessionStorage.setItem(PENDING_FLASH, JSON.stringify({message: message, kind: kind || "ok"}));
    window.location.reload();
  }
  const pending = sessionStorage.getItem(PENDING_FLASH);
  if (pending) {
    sessionStorage.removeItem(PENDING_FLASH);
    try { const saved = JSON.parse(pending); flash(saved.message, saved.kind); } catch (err) { flash(String(pending), "ok"); }
  }

  window.evalforge = {api: api, flash: flash};

  // ---- triage: a change (status, assignee, note) carries the review version the page showed; a 409 names who
  // changed the signature meanwhile --------------------------------------------------------------------------
  async function review(holder, change) {
    const id = holder.dataset.signatureId;
    const body = Object.assign({version: Number(holder.dataset.version)}, change);
    const result = await api("POST", "/console/actions/signatures/" + encodeURIComponent(id) + "/review", body);
    if (result.ok) {
      holder.dataset.version = String(result.body.version);
      holder.querySelectorAll("[data-field=status]").forEach(function (cell) { cell.textContent = result.body.status; });
      holder.querySelectorAll("[data-field=assignee]").forEach(function (cell) {
        cell.textContent = result.body.assignee || (cell.tagName === "DD" ? "nobody" : "");
      });
      const box = holder.querySelector("input[name=selected]");
      if (box) { box.dataset.version = String(result.body.version); }
    }
    return result;
  }

  function setStatus(holder, status, note) {
    const change = {status: status};
    if (note) { change.note = note; }
    return review(holder, change);
  }

  function selectedRows() {
    return Array.from(document.querySelectorAll("input[name=selected]:checked"))
      .map(function (box) { return box.closest("[data-signature-id]"); });
  }

  function onBulk(form) {
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      const rows = selectedRows();
      if (!rows.length) { flash("Select at least one signature first.", "error"); return; }
      const status = form.querySelector("[name=status]").value;
      const failures = [];
      for (const row of rows) {
        const result = await setStatus(row, status);
        if (!result.ok) { failures.push(row.querySelector("a").textContent + ": " + result.message); }
      }
      if (failures.length) { flash(failures.join(" "), "error"); }
      else { flash("Set " + rows.length + " signature(s) to " + status + ".", "ok"); }
    });
    form.querySelector("[data-action=bulk-assign]").addEventListener("click", async function () {
      const rows = selectedRows();
      if (!rows.length) { flash("Select at least one signature first.", "error"); return; }
      const assignee = form.querySelector("[name=assignee]").value.trim() || null;
      const failures = [];
      for (const row of rows) {
        const result = await review(row, {assignee: assignee});
        if (!result.ok) { failures.push(row.querySelector("a").textContent + ": " + result.message); }
      }
      if (failures.length) { flash(failures.join(" "), "error"); }
      else { flash((assignee ? "Assigned " + rows.length + " signature(s) to " + assignee : "Unassigned " + rows.length + " signature(s)") + ".", "ok"); }
    });
    form.querySelector("[data-action=bulk-merge]").addEventListener("click", async function () {
      const ids = selectedRows().map(function (row) { return row.dataset.signatureId; });
      if (ids.length < 2) { flash("Select at least two signatures: the others are merged into the first.", "error"); return; }
      const result = await api("POST", "/v1/signatures/" + encodeURIComponent(ids[0]) + "/merge", {signature_ids: ids.slice(1)});
      if (!result.ok) { flash(result.message, "error"); return; }
      reloadWithFlash("Merged " + (ids.length - 1) + " signature(s); " + result.body.captures_moved + " captures moved.", "ok");
    });
    form.querySelector("[data-action=bulk-export]").addEventListener("click", function () {
      const rows = selectedRows();
      if (!rows.length) { flash("Select at least one signature to export.", "error"); return; }
      const query = rows.map(function (row) { return "signature_id=" + encodeURIComponent(row.dataset.signatureId); });
      window.location.href = "/exports?" + query.join("&");
    });
  }

  function onSignaturePage(holder) {
    const triage = holder.querySelector("[data-triage]");
    if (triage) {
      triage.addEventListener("submit", async function (event) {
        event.preventDefault();
        const note = triage.querySelector("[name=note]").value.trim();
        const result = await setStatus(holder, triage.querySelector("[name=status]").value, note);
        if (result.ok) { triage.querySelector("[name=note]").value = ""; flash("Saved: status " + result.body.status + (note ? ", note added" : "") + ".", "ok"); }
        else { flash(result.message, "error"); }
      });
    }
    const assign = holder.querySelector("[data-assign-signature]");
    if (assign) {
      assign.addEventListener("submit", async function (event) {
        event.preventDefault();
        const value = assign.querySelector("[name=assignee]").value.trim() || null;
        const result = await review(holder, {assignee: value});
        if (result.ok) { flash(value ? "Assigned to " + value + "." : "Unassigned.", "ok"); } else { flash(result.message, "error"); }
      });
    }
    const merge = holder.querySelector("[data-merge]");
    if (merge) {
      merge.addEventListener("submit", async function (event) {
        event.preventDefault();
        const ids = merge.querySelector("[name=signature_ids]").value.split(",").map(function (v) { return v.trim(); }).filter(Boolean);
        if (!ids.length) { flash("Enter the ids of the signatures to merge into this one.", "error"); return; }
        const result = await api("POST", "/v1/signatures/" + encodeURIComponent(holder.dataset.signatureId) + "/merge", {signature_ids: ids});
        if (result.ok) { window.location.reload(); } else { flash(result.message, "error"); }
      });
    }
    holder.querySelectorAll("[data-unmerge]").forEach(function (button) {
      button.addEventListener("click", async function () {
        const result = await api("POST", "/v1/signatures/" + encodeURIComponent(holder.dataset.signatureId) + "/unmerge", {signature_ids: [button.dataset.unmerge]});
        if (result.ok) { window.location.reload(); } else { flash(result.message, "error"); }
      });
    });
    holder.querySelectorAll("[data-assign]").forEach(function (form) {
      form.addEventListener("submit", async function (event) {
        event.preventDefault();
        const value = form.querySelector("[name=assignee]").value.trim();
        const result = await api("PATCH", "/v1/captures/" + encodeURIComponent(form.dataset.assign), {assignee: value || null});
        if (result.ok) { flash(value ? "Assigned to " + value + "." : "Unassigned.", "ok"); } else { flash(result.message, "error"); }
      });
    });
  }

  // ---- exports: request, then follow each destination's status until it settles --------------------------------
  const SETTLED = ["delivered", "failed"];

  function showExport(holder, view) {
    holder.querySelectorAll(".export-status").forEach(function (block) {
      const overall = block.querySelector("p .status-pill");
      overall.textContent = view.overall_status;
      overall.dataset.status = view.overall_status;
      block.dataset.overall = view.overall_status;
      view.deliveries.forEach(function (delivery) {
        const row = block.querySelector("tr[data-destination='" + delivery.destination + "']");
        if (!row) { return; }
        const pill = row.querySelector(".status-pill");
        pill.textContent = delivery.status;
        pill.dataset.status = delivery.status;
        const cells = row.querySelectorAll("td");
        cells[3].textContent = delivery.error || "";
        if (delivery.artifacts.length) {
          cells[2].replaceChildren();
          delivery.artifacts.forEach(function (artifact, index) {
            const link = document.createElement("a");
            link.href = "/console/exports/" + encodeURIComponent(view.export_id) + "/artifacts/" + delivery.destination + "/" + index;
            link.textContent = "Download " + artifact.kind;
            cells[2].append(link, " (" + artifact.count + ") ");
          });
        }
      });
    });
  }

  function watchExport(holder) {
    const id = holder.dataset.watchExport;
    async function poll() {
      const result = await api("GET", "/v1/exports/" + encodeURIComponent(id));
      if (!result.ok) { flash(result.message, "error"); return; }
      showExport(holder, result.body);
      if (SETTLED.indexOf(result.body.overall_status) < 0) { window.setTimeout(poll, 1500); }
    }
    if (SETTLED.indexOf(holder.querySelector(".export-status").dataset.overall) < 0) { window.setTimeout(poll, 1500); }
  }

  function onExportForm(form) {
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      const checked = function (name) {
        return Array.from(form.querySelectorAll("input[name=" + name + "]:checked")).map(function (box) { return box.value; });
      };
      const result = await api("POST", "/v1/exports", {signature_ids: checked("signature_ids"), destinations: checked("destinations")});
      if (!result.ok) { flash(result.message, "error"); return; }
      window.location.href = "/exports/" + encodeURIComponent(result.body.export_id);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-bulk]").forEach(onBulk);
    const signature = document.getElementById("signature");
    if (signature) { onSignaturePage(signature); }
    document.querySelectorAll("[data-watch-export]").forEach(watchExport);
    document.querySelectorAll("[data-export-form]").forEach(onExportForm);
  });
})();
