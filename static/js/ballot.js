// A phone's ballot, from 5 items to 200 (templates/voting/_my_ballot.html).
//
// - Choices are counted as they are ticked, and the round's limit holds on the
//   phone: once it is reached the other boxes are greyed out. A save answers
//   with the bar only, so a refusal never loses a tick; ticks not saved yet
//   survive a re-rendered ballot (sessionStorage) until they are saved.
// - Every change carries a number (seq) that only grows: the server applies a
//   number once, so a change sent again after a lost answer is never counted
//   twice. Dots go one at a time, in order, each sent again with its own
//   number until the server answers; the answer is that item's controls and
//   the bar, a few hundred bytes.
// - Long lists: search, a theme filter, and "only my choices".
(function () {
  "use strict";
  let lastSeq = 0;
  function nextSeq() {
    lastSeq = Math.max(lastSeq + 1, Date.now() * 1000);
    return String(lastSeq);
  }

  function ballot() { return document.querySelector("#my-ballot[data-ballot]"); }
  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; }
    catch (e) { return ""; }
  }

  // --- the counter and the limit ---------------------------------------------

  function chosenCount(root) {
    const kind = root.dataset.kind;
    if (kind === "approval") return root.querySelectorAll("input[name=project]:checked").length;
    if (kind === "ranking") return Array.from(root.querySelectorAll(".ballot-places select")).filter((s) => s.value).length;
    if (kind === "impact_feasibility") {
      return Array.from(root.querySelectorAll(".ballot-scored")).filter((item) =>
        Array.from(item.querySelectorAll("select")).every((s) => s.value)).length;
    }
    return 0;
  }

  function setCount(bar, n) {
    const text = bar.querySelector(".budget-count");
    if (!text) return;
    const form = n === 0 ? text.dataset.zero : n === 1 ? text.dataset.one : text.dataset.many;
    text.textContent = form.replace("{count}", String(n));
  }

  // Counter, limit and greyed-out choices, from what the phone shows.
  function refresh() {
    const root = ballot();
    if (!root) return;
    const bar = root.querySelector("#ballot-bar");
    const kind = root.dataset.kind;
    if (kind === "dots") {
      const left = Number(bar.dataset.left), max = Number(root.dataset.maxPerItem);
      root.querySelectorAll(".dot-controls").forEach((controls) => {
        const mine = Number(controls.dataset.mine);
        const add = controls.querySelector("[data-move='1']");
        if (!controls.classList.contains("is-pending")) add.disabled = left <= 0 || mine >= max;
      });
      return;
    }
    const n = chosenCount(root), total = Number(bar.dataset.total);
    setCount(bar, kind === "impact_feasibility" ? n : Math.max(total - n, 0));
    if (kind === "approval") {
      const full = n >= Number(root.dataset.limit);
      root.querySelectorAll("input[name=project]").forEach((box) => {
        box.disabled = full && !box.checked;
        box.closest(".ballot-item").classList.toggle("is-out-of-reach", box.disabled);
      });
    }
    if (kind === "ranking") {
      // An item already placed is not offered for another place.
      const selects = Array.from(root.querySelectorAll(".ballot-places select"));
      const placed = new Set(selects.map((s) => s.value).filter(Boolean));
      selects.forEach((s) => s.querySelectorAll("option[value]").forEach((option) => {
        option.disabled = Boolean(option.value) && placed.has(option.value) && s.value !== option.value;
      }));
    }
  }

  function status(root, text, kind) {
    const line = root.querySelector(".ballot-status");
    if (!line) return;
    line.textContent = "";
    if (!text) return;
    const span = document.createElement("span");
    span.className = "message " + (kind || "message-info");
    if (kind === "message-error") span.setAttribute("role", "alert");
    span.textContent = text;
    line.append(span);
  }

  // --- ticks not saved yet, kept on the phone -----------------------------------

  function draftKey(root) {
    const form = root.querySelector("form[data-ballot-form]");
    return form ? "ballot:" + form.getAttribute("hx-post") : null;
  }
  function keepDraft(root) {
    const key = draftKey(root);
    if (!key) return;
    const fields = Array.from(new FormData(root.querySelector("form[data-ballot-form]")).entries())
      .filter(([name]) => name !== "seq" && name !== "csrf_token");
    try { sessionStorage.setItem(key, JSON.stringify(fields)); } catch (e) { /* unkept, still works */ }
  }
  function dropDraft(root) {
    const key = draftKey(root);
    try { if (key) sessionStorage.removeItem(key); } catch (e) { /* nothing kept */ }
  }
  function restoreDraft(root) {
    const key = draftKey(root);
    let fields = null;
    try { fields = key && JSON.parse(sessionStorage.getItem(key)); } catch (e) { fields = null; }
    if (!fields) return;
    const form = root.querySelector("form[data-ballot-form]");
    form.querySelectorAll("input[type=checkbox][name=project]").forEach((box) => { box.checked = false; });
    form.querySelectorAll("select").forEach((s) => { s.value = ""; });
    fields.forEach(([name, value]) => {
      const box = form.querySelector(`input[type=checkbox][name="${name}"][value="${value}"]`);
      if (box) box.checked = true;
      const select = form.querySelector(`select[name="${name}"]`);
      if (select) select.value = value;
    });
    status(root, root.querySelector(".ballot-status").dataset.unsavedText);
  }

  // --- whole ballots (approval, ranking, impact × feasibility) ----------------

  document.addEventListener("change", (event) => {
    const root = ballot();
    if (!root || !root.contains(event.target) || !event.target.closest("form[data-ballot-form]")) return;
    const box = event.target;
    if (root.dataset.kind === "approval" && box.checked && chosenCount(root) > Number(root.dataset.limit)) {
      box.checked = false; // the limit, on the phone too
    }
    const form = box.closest("form");
    delete form.dataset.seq; // a new state: a new number
    refresh();
    keepDraft(root);
    status(root, root.querySelector(".ballot-status").dataset.unsavedText);
    if (root.querySelector("[data-ballot-mine]:checked")) filter(root);
  });

  document.addEventListener("htmx:configRequest", (event) => {
    const form = event.detail.elt;
    if (!form.matches || !form.matches("form[data-ballot-form]")) return;
    if (!form.dataset.seq) form.dataset.seq = nextSeq();
    event.detail.parameters.seq = form.dataset.seq; // the same number when sent again
  });

  document.addEventListener("htmx:afterRequest", (event) => {
    const form = event.detail.elt, xhr = event.detail.xhr;
    if (!form.matches || !form.matches("form[data-ballot-form]") || !xhr || !xhr.status) return;
    if (xhr.status === 200) dropDraft(ballot() || form);
    if (xhr.status < 500 && xhr.status !== 429 && xhr.status !== 408) delete form.dataset.seq;
  });

  let resendTimer = null;
  document.addEventListener("htmx:sendError", (event) => {
    const form = event.detail.elt, root = ballot();
    if (!root || !form.matches || !form.matches("form[data-ballot-form]")) return;
    status(root, root.querySelector(".ballot-status").dataset.offlineText, "message-error");
    clearTimeout(resendTimer);
    resendTimer = setTimeout(() => { if (form.isConnected) htmx.trigger(form, "submit"); }, 3000);
  });

  // --- dots, one at a time ------------------------------------------------------

  const queue = [];
  let sending = false;

  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest("#my-ballot [data-move]");
    if (!button || button.disabled) return;
    const root = ballot();
    const controls = button.closest(".dot-controls");
    controls.classList.add("is-pending");
    hideSaved(); // said again by the answer of the last dot
    queue.push({ url: root.dataset.dotsUrl, project: button.dataset.project, delta: button.dataset.move, seq: nextSeq() });
    send();
  });

  function hideSaved() {
    const mark = document.querySelector("#ballot-bar .dot-saved");
    if (mark) mark.hidden = true;
  }

  function replaceFrom(html) {
    const template = document.createElement("template");
    template.innerHTML = html;
    template.content.querySelectorAll("[id]").forEach((fresh) => {
      const old = document.getElementById(fresh.id);
      if (old) old.replaceWith(fresh);
    });
  }

  async function send() {
    if (sending || !queue.length) return;
    sending = true;
    const move = queue[0];
    let wait = 0;
    try {
      const response = await fetch(move.url, {
        method: "POST", credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true",
                   "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ project: move.project, delta: move.delta, seq: move.seq }),
      });
      if (response.status === 429 || response.status === 408 || response.status >= 500) {
        wait = 1000 * (Number(response.headers.get("Retry-After")) || 2);
      } else {
        const html = await response.text();
        queue.shift();
        if (response.headers.get("HX-Retarget")) { // not a ballot answer (e.g. join first)
          const line = document.getElementById("form-message");
          if (line) line.innerHTML = html;
        } else {
          replaceFrom(html);
          if (queue.length) hideSaved(); // other dots still on their way
        }
      }
    } catch (e) {
      wait = 2000; // no answer: the same move, the same number, a little later
      const root = ballot();
      if (root) status(root, root.querySelector(".ballot-status").dataset.offlineText, "message-error");
    }
    sending = false;
    if (!queue.length || !ballot()) {
      queue.length = 0;
      document.querySelectorAll(".dot-controls.is-pending").forEach((c) => c.classList.remove("is-pending"));
      refresh();
      return;
    }
    refresh();
    setTimeout(send, wait);
  }

  // --- search, theme, only my choices -------------------------------------------

  // Accents aside, and every space alike: "42 000 $" is written with no-break spaces
  // (templating.french_spacing) and typed with plain ones.
  const plain = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/\s+/g, " ").toLowerCase();
  const texts = new WeakMap();

  function isMine(item, kind) {
    if (kind === "dots") return Number(item.querySelector(".dot-controls").dataset.mine) > 0;
    if (kind === "approval") return item.querySelector("input[name=project]").checked;
    return Array.from(item.querySelectorAll("select")).some((s) => s.value);
  }

  function filter(root) {
    const search = root.querySelector("[data-ballot-search]");
    const theme = root.querySelector("[data-ballot-theme]");
    const mineOnly = root.querySelector("[data-ballot-mine]");
    const words = plain(search ? search.value.trim() : "").split(/\s+/).filter(Boolean);
    const chosenTheme = theme ? theme.value : "";
    let shown = 0;
    root.querySelectorAll(".ballot-group").forEach((group) => {
      const inTheme = !chosenTheme || group.dataset.theme === chosenTheme;
      let groupShown = 0;
      group.querySelectorAll(".ballot-item").forEach((item) => {
        if (!texts.has(item)) texts.set(item, plain(item.querySelector(".ballot-text").textContent));
        const text = texts.get(item);
        const visible = inTheme && words.every((w) => text.includes(w)) &&
          !(mineOnly && mineOnly.checked && !isMine(item, root.dataset.kind));
        item.hidden = !visible;
        if (visible) groupShown += 1;
      });
      group.hidden = !groupShown;
      shown += groupShown;
    });
    const none = root.querySelector(".ballot-none");
    if (none) none.hidden = shown > 0;
  }

  document.addEventListener("input", (event) => {
    if (event.target.matches && event.target.matches("[data-ballot-search]")) filter(ballot());
  });
  document.addEventListener("change", (event) => {
    if (event.target.matches && event.target.matches("[data-ballot-theme], [data-ballot-mine]")) filter(ballot());
  });
  // The search box must not send the ballot when Enter is pressed.
  document.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target.matches && event.target.matches("[data-ballot-search]")) {
      event.preventDefault();
    }
  });

  // A ballot arrived (the round opened, the phone reloaded, a save answered).
  function settle() {
    const root = ballot();
    if (!root) return;
    if (!root.dataset.ready) {
      root.dataset.ready = "1";
      if (draftKey(root)) restoreDraft(root);
    }
    refresh();
  }
  document.addEventListener("htmx:load", settle);
  document.addEventListener("htmx:afterSettle", settle);
  // Loaded by phone.js after the page: the ballot may be on it already.
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", settle);
  else settle();
})();
