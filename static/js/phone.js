// Sending from a phone on flaky Wi-Fi (ideas, hat comments: any form marked
// data-resend). Each submission carries a key;
// until the server has answered, the text and key are kept (in localStorage,
// so a reload or a re-rendered form keeps them) and sent again when the
// connection is back. The server stores a key once, so a resend never doubles.
(function () {
  "use strict";
  let retryTimer = null;

  function newKey() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes); // works on plain http, unlike randomUUID
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function form() { return document.querySelector("form[data-resend]"); }
  // One pending submission per form (activity, hat…), never carried to another question.
  function storageKey() {
    const f = form();
    return f ? "pending:" + location.pathname + ":" + f.dataset.pendingKey : null;
  }
  function pending() {
    const key = storageKey();
    try { return key ? JSON.parse(localStorage.getItem(key)) : null; } catch (e) { return null; }
  }
  function setPending(value) {
    const key = storageKey();
    if (!key) return;
    if (value) localStorage.setItem(key, JSON.stringify(value));
    else localStorage.removeItem(key);
  }
  function say(text) {
    const line = document.getElementById("form-message");
    if (!line) return;
    line.textContent = "";
    if (text) {
      const message = document.createElement("p");
      message.className = "message message-error";
      message.textContent = text;
      line.append(message);
    }
  }

  // Put a pending idea back into a freshly rendered form.
  function restore() {
    const f = form(), waiting = pending();
    if (f && waiting && !f.elements.text.value) {
      f.elements.text.value = waiting.text;
      f.elements.key.value = waiting.key;
    }
  }

  // Give a submission its key just before htmx sends it (capture runs first).
  document.addEventListener("submit", (event) => {
    const f = event.target;
    if (!f.matches || !f.matches("form[data-resend]")) return;
    if (!f.elements.key.value) f.elements.key.value = newKey();
    setPending({ text: f.elements.text.value, key: f.elements.key.value });
  }, true);

  // Stored (200) or refused for good with a message (409, 422): nothing to resend.
  // Anything else (429, 5xx, a proxy's 502): keep it and send again later,
  // when the server says (Retry-After) or after a few seconds.
  document.body.addEventListener("htmx:afterRequest", (event) => {
    const xhr = event.detail.xhr;
    if (event.detail.elt !== form() || !xhr || !xhr.status) return;
    if ([200, 409, 422].includes(xhr.status)) { setPending(null); return; }
    clearTimeout(retryTimer);
    retryTimer = setTimeout(retry, 1000 * (Number(xhr.getResponseHeader("Retry-After")) || 5));
  });

  // A resend the server had already stored answers with the same card: show it once.
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    const incoming = event.detail.serverResponse || "";
    const match = incoming.match(/id="(mine-\d+|my-comment-\d+)"/);
    if (match && document.getElementById(match[1])) event.detail.shouldSwap = false;
  });

  document.body.addEventListener("sent", () => {
    const f = form();
    clearTimeout(retryTimer);
    setPending(null);
    if (!f) return;
    f.reset();
    f.elements.key.value = "";
    say("");
  });

  function retry() {
    restore();
    const f = form();
    if (f && pending()) htmx.trigger(f, "submit");
  }

  // No answer at all: keep everything and send again soon.
  document.body.addEventListener("htmx:sendError", (event) => {
    const f = form();
    if (!f || event.detail.elt !== f) return;
    say(f.dataset.offlineText);
    clearTimeout(retryTimer);
    retryTimer = setTimeout(retry, 3000);
  });
  window.addEventListener("online", retry);
  document.addEventListener("live:connected", retry);
  document.addEventListener("DOMContentLoaded", restore);
})();
