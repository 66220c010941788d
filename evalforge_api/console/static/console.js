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

  window.evalforge = {api: api, flash: flash};
})();
