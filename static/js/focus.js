// Focus and announcements that survive htmx swaps and live pushes (WCAG 2.4.3, 4.1.3).
//
// Focus: every swap (htmx or static/js/live.js) replaces elements; when the
// focused one goes, the browser drops focus to <body> and a keyboard user
// starts again from the top. So this file remembers where focus was (the
// control's id, its name and value, its place among the controls of the
// nearest element with an id) and, once the swap is done, puts focus back on
// the same control, or the one at the same place in the new content (hide →
// restore), or the new content itself. A form with data-focus-after moves
// focus there after a successful send (the idea box, ready for the next idea).
//
// Announcements: the phone's one polite live region, #announcer. New content
// carrying data-announce (a new activity, a hat, a cell) is read once per
// data-announce-key; a form or button with data-announce-done says it after a
// successful request (an idea sent, a vote saved); the connection state is
// read from body[data-live]; what is left on a ballot after each tick; other
// scripts send an "announce" event (a typed idea kept). The timer is never
// announced.
(function () {
  "use strict";
  const FOCUSABLE = "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex='-1'])";
  let last = null; // where focus was, described so that it can be found again after a swap

  function describe(el) {
    const places = [];
    for (let box = el.parentElement; box; box = box.parentElement) {
      if (box.id) {
        const controls = Array.from(box.querySelectorAll(FOCUSABLE));
        places.push({ id: box.id, index: controls.indexOf(el), key: box.dataset.announceKey });
      }
    }
    return { id: el.id, key: el.dataset.focusKey, name: el.getAttribute("name"),
             value: el.getAttribute("value"), places: places };
  }

  function find(d) {
    if (d.id) {
      const same = document.getElementById(d.id);
      if (same) return same;
    }
    if (d.key) {
      const same = document.querySelector(`[data-focus-key="${CSS.escape(d.key)}"]`);
      if (same) return same;
    }
    for (const place of d.places) {
      const box = document.getElementById(place.id);
      if (!box) continue;
      // Another activity took the panel's place: its heading, not a control at random.
      if (place.key !== box.dataset.announceKey) return headingOrSelf(box);
      const asked = box.querySelector("[autofocus]");
      if (asked) return asked;
      if (d.name) {
        const selector = `[name="${CSS.escape(d.name)}"]` + (d.value !== null ? `[value="${CSS.escape(d.value)}"]` : "");
        const same = box.querySelector(selector);
        if (same && !same.disabled) return same;
      }
      const controls = Array.from(box.querySelectorAll(FOCUSABLE));
      if (controls.length && place.index >= 0) return controls[Math.min(place.index, controls.length - 1)];
      return headingOrSelf(box);
    }
    return null;
  }

  // New content gets focus on its heading (read first), else on itself.
  function headingOrSelf(box) {
    const target = box.querySelector("h1, h2, h3") || box;
    if (!target.matches(FOCUSABLE)) target.setAttribute("tabindex", "-1");
    return target;
  }

  function lost() {
    const active = document.activeElement;
    return !active || active === document.body || !active.isConnected;
  }

  function restore() {
    if (!last || !lost()) return;
    const target = find(last);
    if (target && target.focus) target.focus({ preventScroll: false });
  }

  // A tap or click elsewhere is a choice to leave the control: nothing to restore.
  document.addEventListener("pointerdown", () => { last = null; }, true);
  document.addEventListener("focusin", (event) => {
    if (event.target !== document.body) last = describe(event.target);
  });

  // --- announcements ---------------------------------------------------------

  const spoken = {}; // element id → the key last announced (or seen at load)
  const queued = []; // {text, key} said together at the next turn
  let turn = 0;

  // Texts that come together (an activity closes and a typed idea is kept) are
  // said together, in one region: a second region would talk over the first.
  // A later text with the same key replaces the earlier one (a count ticking).
  function announce(text, key) {
    const region = document.getElementById("announcer");
    if (!region || !text) return;
    const same = key && queued.find((q) => q.key === key);
    if (same) same.text = text;
    else queued.push({ text: text, key: key });
    if (turn) return;
    // Emptied first so that the same words said twice are read twice.
    region.textContent = "";
    turn = setTimeout(() => {
      turn = 0;
      region.textContent = queued.map((q) => q.text).join(" ");
      queued.length = 0;
    }, 120);
  }
  // Other scripts (static/js/phone.js) speak through the same region.
  document.addEventListener("announce", (event) => announce(event.detail.text, event.detail.key));

  // A tick or score on a whole ballot: what is left, from the ballot's bar
  // (static/js/ballot.js counts it on the same change, hence the next task).
  document.addEventListener("change", (event) => {
    if (!event.target.closest || !event.target.closest("form[data-ballot-form]")) return;
    setTimeout(() => {
      const count = document.querySelector("#ballot-bar .budget-count");
      if (count) announce(count.textContent.trim(), "ballot-count");
    }, 0);
  });

  function announceNew(silently) {
    for (const el of document.querySelectorAll("[data-announce]")) {
      const key = el.dataset.announceKey || el.dataset.announce;
      const id = el.id || "page";
      if (spoken[id] === key) continue;
      spoken[id] = key;
      if (!silently) announce(el.dataset.announce);
    }
  }

  function watchConnection() {
    const region = document.getElementById("announcer");
    if (!region) return;
    let state = document.body.dataset.live;
    new MutationObserver(() => {
      const now = document.body.dataset.live;
      if (now === state) return;
      if (now === "offline") announce(region.dataset.offlineText);
      else if (now === "connected" && state === "offline") announce(region.dataset.onlineText);
      state = now;
    }).observe(document.body, { attributes: true, attributeFilter: ["data-live"] });
  }

  document.addEventListener("htmx:afterRequest", (event) => {
    if (!event.detail.successful) return;
    const source = event.detail.elt;
    const sayer = source && source.closest && source.closest("[data-announce-done]");
    if (sayer) announce(sayer.dataset.announceDone);
    const after = source && source.closest && source.closest("[data-focus-after]");
    if (after) {
      const target = document.querySelector(after.dataset.focusAfter);
      if (target) setTimeout(() => target.focus(), 0);
    }
  });

  function settled() {
    restore();
    announceNew(false);
  }
  document.addEventListener("htmx:afterSettle", settled);
  document.addEventListener("live:swapped", settled);
  // A button disabled while its request runs loses focus without any swap.
  document.addEventListener("htmx:afterRequest", () => setTimeout(restore, 0));

  document.addEventListener("DOMContentLoaded", () => {
    // The skip link's target: the page's <main>, whichever template drew it.
    const main = document.querySelector("main");
    if (main && !document.getElementById("main")) main.id = "main";
    if (main && !main.hasAttribute("tabindex")) main.setAttribute("tabindex", "-1");
    announceNew(true);
    watchConnection();
    // Scripts that swap without htmx or live.js (the ballot's dots) are seen here.
    let pending = 0;
    new MutationObserver((mutations) => {
      if (mutations.every((m) => m.target.closest && m.target.closest(".timer"))) return;
      clearTimeout(pending);
      pending = setTimeout(settled, 50);
    }).observe(document.body, { childList: true, subtree: true });
  });
})();
