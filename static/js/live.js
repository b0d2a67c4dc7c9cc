// Live updates for the projector, control and phone screens.
// The server pushes "swap" messages (HTML rendered once per room); this file
// applies them, counts the timer down to the server's end time, and after any
// (re)connection re-renders the screen from the database so nothing is missed.
(function () {
  "use strict";
  const body = document.body;
  let clockOffset = 0; // server clock minus this device's clock, in ms

  function nodeFrom(html) {
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  // Each live part remembers when the server read what it shows: a push's
  // server_now (taken before it renders), an answer's or a refresh's
  // X-Server-Now (taken before its view reads). On PostgreSQL, and across
  // workers, a push rendered just before a change can reach a screen after
  // the change's own push, and would show the room the past (a vote open
  // again after "close"): a push older than what it would replace, or than a
  // part around it, is dropped. The change's own push is always newer.
  const readAt = new WeakMap(); // element -> server ms
  // Older than this, it is a server clock that was set back, not a late push: shown.
  const STALE_WINDOW = 10000;

  function newestAround(element) {
    let newest = 0;
    for (let e = element; e; e = e.parentElement) newest = Math.max(newest, readAt.get(e) || 0);
    return newest;
  }

  function stale(swap, existing) {
    if (!swap.at) return false;
    const place = existing || (swap.parent && document.querySelector(swap.parent));
    const newest = place ? newestAround(place) : 0;
    return newest > swap.at && newest - swap.at < STALE_WINDOW;
  }

  function apply(swap) {
    const existing = document.getElementById(swap.id);
    if (stale(swap, existing)) return;
    if (swap.op === "remove") {
      if (existing) existing.remove();
      return;
    }
    const node = nodeFrom(swap.html);
    if (!node) return;
    if (existing) {
      if (keepsEdits) keepEdits(existing, node);
      existing.replaceWith(node);
    } else if (swap.op === "upsert") {
      const parent = document.querySelector(swap.parent);
      if (!parent) return;
      if (swap.first) parent.prepend(node);
      else parent.append(node);
    } else {
      return;
    }
    if (swap.at) readAt.set(node, swap.at);
    htmx.process(node);
    tick();
  }

  function serverTimeOf(response) {
    return Number(response.headers.get ? response.headers.get("X-Server-Now") : response.getResponseHeader("X-Server-Now")) || 0;
  }

  // What a command's answer put on screen was read when the server answered.
  document.addEventListener("htmx:afterSwap", (event) => {
    const at = event.detail.xhr ? serverTimeOf(event.detail.xhr) : 0;
    if (at && event.target instanceof Element) readAt.set(event.target, at);
  });

  // On the control view a push re-renders parts that hold the facilitator's
  // forms (the projects ticked to retain, a force group's name, a cell's
  // capacity) while results and sign-ups arrive. What the facilitator has
  // changed and not sent yet stays as they left it: each control whose value
  // differs from the one it was rendered with gives it to its twin in the new
  // content (the same name, and value for a box, in the form posting to the
  // same address). Phones keep their drafts themselves (static/js/phone.js).
  const keepsEdits = body.dataset.audience === "control";

  function edited(control) {
    if (control.type === "checkbox" || control.type === "radio") return control.checked !== control.defaultChecked;
    if (control.tagName === "SELECT") return Array.from(control.options).some((o) => o.selected !== o.defaultSelected);
    if (["hidden", "submit", "button", "reset", "file"].includes(control.type)) return false;
    return control.value !== control.defaultValue;
  }

  function formAddress(form) {
    return form ? form.getAttribute("hx-post") || form.getAttribute("action") || form.id || "" : "";
  }

  function twinOf(control, fresh) {
    const address = formAddress(control.form);
    for (const candidate of fresh.querySelectorAll("input, textarea, select")) {
      if (candidate.name !== control.name || candidate.type !== control.type) continue;
      if ((control.type === "checkbox" || control.type === "radio") && candidate.value !== control.value) continue;
      if (formAddress(candidate.closest("form")) === address) return candidate;
    }
    return null;
  }

  function keepEdits(old, fresh) {
    for (const control of old.querySelectorAll("input, textarea, select")) {
      if (!control.name || !edited(control)) continue;
      const twin = twinOf(control, fresh);
      if (!twin) continue;
      if (control.type === "checkbox" || control.type === "radio") twin.checked = control.checked;
      else if (control.tagName === "SELECT") {
        Array.from(twin.options).forEach((o) => { o.selected = Array.from(control.selectedOptions).some((c) => c.value === o.value); });
      } else twin.value = control.value;
    }
  }

  // Screens that lay out what they received (static/js/projector.js) listen for this.
  function swapped() {
    document.dispatchEvent(new CustomEvent("live:swapped"));
  }

  // Swaps that arrive while a resync is fetching wait, then apply on top of
  // it: the resync was rendered earlier and must not undo them.
  let held = null;

  // Re-render every live element from the server (after a reconnect, or an
  // answer crossed by a push). One at a time: a second read finishing after a
  // push applied meanwhile would undo it, so a refresh asked for while one is
  // on its way reads once more after it, before the pushes held are applied.
  let refreshing = null;
  let again = false;
  function refresh() {
    if (refreshing) {
      again = true;
      return refreshing;
    }
    held = held || [];
    refreshing = readAll().then(() => {
      const waiting = held || [];
      held = null;
      refreshing = null;
      waiting.forEach(apply);
      swapped();
    });
    return refreshing;
  }

  function readAll() {
    again = false;
    let at = 0;
    return fetch(body.dataset.refreshUrl, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then((response) => {
        at = serverTimeOf(response);
        return response.ok ? response.text() : Promise.reject(response.status);
      })
      .then((html) => {
        const template = document.createElement("template");
        template.innerHTML = html;
        for (const node of Array.from(template.content.children)) {
          if (!node.id) continue;
          // Shown whatever an earlier push said (the database's state replaces the
          // screen's), and read when the server answered, for the pushes held meanwhile.
          apply({ op: "replace", id: node.id, html: node.outerHTML });
          const fresh = document.getElementById(node.id);
          if (fresh && at) readAt.set(fresh, at);
        }
        return again ? readAll() : null;
      })
      .catch(() => new Promise((resolve) => setTimeout(() => resolve(readAll()), 2000)));
  }

  function format(ms) {
    const total = Math.max(0, Math.ceil(ms / 1000));
    const minutes = Math.floor(total / 60);
    const seconds = String(total % 60).padStart(2, "0");
    return minutes + ":" + seconds;
  }

  function tick() {
    const now = Date.now() + clockOffset;
    for (const timer of document.querySelectorAll(".timer[data-ends-at]")) {
      const left = Number(timer.dataset.endsAt) - now;
      timer.textContent = format(left);
      timer.classList.toggle("is-ending", left < 30000);
      timer.classList.toggle("is-over", left <= 0);
    }
  }

  function showConnection(online) {
    if (!online) body.dataset.live = "offline";
    const line = document.getElementById("connection");
    if (!line) return;
    line.textContent = online ? line.dataset.onlineText : line.dataset.offlineText;
    line.classList.toggle("is-offline", !online);
  }

  // The handshake names the room (auth): the server refuses a socket for a room this session may not watch.
  const room = { workshop: body.dataset.workshop, audience: body.dataset.audience, lang: body.dataset.lang };
  const socket = io({ transports: ["websocket", "polling"], reconnectionDelayMax: 5000, auth: room });
  // The pushes this page's audience had had when the page was rendered: on the
  // first connect, the server says whether any went out since (answer.fresh);
  // if none, the page is the current state and needs no second render.
  let pushesSeen = body.dataset.pushes === undefined ? null : body.dataset.pushes;
  function connected() {
    // "connected" once the screen shows the database's current state.
    body.dataset.live = "connected";
    document.dispatchEvent(new CustomEvent("live:connected"));
  }
  socket.on("connect", () => {
    const watching = pushesSeen === null ? room : Object.assign({ pushes: pushesSeen }, room);
    pushesSeen = null; // a reconnect may have missed pushes: it always re-renders
    socket.emit("watch", watching, (answer) => {
      if (!answer || !answer.ok) { showConnection(false); return; }
      clockOffset = answer.server_now - Date.now();
      showConnection(true);
      if (answer.fresh) connected();
      else refresh().then(connected);
    });
  });
  // A command sent from this screen says which socket it is: its answer is
  // this screen's new stage, so the push of the same change skips this socket
  // (stage_answer in workshop/live.py).
  document.addEventListener("htmx:configRequest", (event) => {
    if (socket.id) event.detail.headers["X-Socket-Id"] = socket.id;
  });
  socket.on("disconnect", () => showConnection(false));
  socket.on("swap", (message) => {
    clockOffset = message.server_now - Date.now();
    // Held a moment in a burst, each swap says when it was read itself.
    message.swaps.forEach((swap) => { swap.at = swap.at || message.server_now; });
    noteCrossings(message.swaps);
    if (held) held.push(...message.swaps);
    else { message.swaps.forEach(apply); swapped(); }
  });

  // A command's answer replaces part of this screen (its htmx target) with
  // what the server rendered when it answered. A push that touches that part
  // while the answer is on its way either is undone by it (an idea that
  // arrived meanwhile vanishes from the wall) or undoes it (results rendered
  // just before "close" show the vote open again, the answer landing in the
  // part the push took out). Either way, once the answer is in, the screen
  // renders again from the database, as after a reconnect.
  const answering = new Map(); // request -> { swaps pushed meanwhile, checked, crossed }
  document.addEventListener("htmx:beforeSend", (event) => {
    const xhr = event.detail.xhr;
    if (!xhr) return;
    const request = { swaps: [], checked: false, crossed: false };
    answering.set(xhr, request);
    // Told however the request ends, even when htmx cannot tell the page: its
    // events go to the parts it started from, which a push may have taken out.
    xhr.addEventListener("loadend", () => {
      answering.delete(xhr);
      if (request.crossed || (!request.checked && request.swaps.length)) refresh();
    });
  });
  function noteCrossings(swaps) {
    if (!answering.size) return;
    // What a removal took out is gone by the time the answer comes: its place is noted now.
    const noted = swaps.map((swap) => (swap.op === "remove"
      ? { removedFrom: (document.getElementById(swap.id) || {}).parentElement } : swap));
    for (const request of answering.values()) request.swaps.push(...noted);
  }
  // The target is known for sure only now: the server may retarget the answer (HX-Retarget).
  document.addEventListener("htmx:beforeSwap", (event) => {
    const request = answering.get(event.detail.xhr);
    if (!request) return;
    request.checked = true;
    request.crossed = request.swaps.some((swap) => touches(swap, event.detail.target));
  });

  function touches(swap, target) {
    if (!target || !target.isConnected) return true; // a push took it out: the answer lands nowhere
    if ("removedFrom" in swap) return Boolean(swap.removedFrom) && target.contains(swap.removedFrom);
    const element = document.getElementById(swap.id) || (swap.parent && document.querySelector(swap.parent));
    return Boolean(element) && (element === target || element.contains(target) || target.contains(element));
  }

  // A command that went through clears the last refusal shown.
  document.body.addEventListener("htmx:afterRequest", (event) => {
    const line = document.getElementById("form-message");
    if (line && event.detail.successful && event.detail.target !== line) line.textContent = "";
  });

  tick();
  setInterval(tick, 250);
})();
