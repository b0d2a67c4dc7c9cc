// A phone never loses what its participant typed.
//
// Sending on flaky Wi-Fi (ideas, hat comments: any form marked data-resend):
// each submission carries a key; until the server has answered, the text and
// key are kept (in localStorage, so a reload or a re-rendered form keeps them)
// and sent again when the connection is back. The server stores a key once,
// so a resend never doubles.
//
// Drafts: what is typed is saved as it is typed, per workshop. A re-rendered
// form gets it back; when its question goes away (closed, another subject,
// another hat) or the server refuses it for good, the text is kept on the
// phone and shown above the activity, with Copy, "Put it in the answer box"
// (when a question is open) and Dismiss, until the participant dismisses it.
(function () {
  "use strict";
  // Joining answers with this page at the join form's address: the page's own
  // address goes in the history, so a reload is a GET and drafts keep one key.
  const own = document.body.dataset.phoneUrl;
  if (own && location.pathname !== own) history.replaceState(null, "", own + location.hash);
  const page = location.pathname; // one workshop's phone page
  const DRAFT = "draft:" + page;
  const KEPT = "kept:" + page;
  let retryTimer = null;
  // The send behind each request, found again when its form is gone from the page.
  const requests = new WeakMap();

  function newKey() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes); // works on plain http, unlike randomUUID
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function read(name) {
    try { return JSON.parse(localStorage.getItem(name)); } catch (e) { return null; }
  }
  function write(name, value) {
    try {
      if (value == null) localStorage.removeItem(name);
      else localStorage.setItem(name, JSON.stringify(value));
    } catch (e) { /* storage full or refused: the page still works, unkept */ }
  }

  function form() { return document.querySelector("form[data-resend]"); }
  function formKey(f) { return f ? f.dataset.pendingKey : null; }

  // One pending submission per form (activity, hat…), never carried to another question.
  function pending(key) { return key ? read("pending:" + page + ":" + key) : null; }
  function setPending(key, value) { if (key) write("pending:" + page + ":" + key, value); }

  // The text being typed, and which form it belongs to.
  function draft() { return read(DRAFT); }
  function setDraft(value) { write(DRAFT, value && value.text && value.text.trim() ? value : null); }

  // Texts whose question went away, shown until dismissed.
  function kept() { return read(KEPT) || []; }
  function setKept(list) { write(KEPT, list.length ? list : null); }
  function keep(text, refusal) {
    if (!text || !text.trim()) return;
    const list = kept();
    const same = list.find((item) => item.text === text);
    if (same) same.refusal = refusal || same.refusal || "";
    else list.push({ text: text, refusal: refusal || "" });
    setKept(list);
  }
  function unkeep(text) { setKept(kept().filter((item) => item.text !== text)); }

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

  // Put a pending send, else the draft, back into a freshly rendered form.
  function restore() {
    const f = form();
    if (!f || f.elements.text.value) return;
    const waiting = pending(formKey(f)), typed = draft();
    if (waiting) {
      f.elements.text.value = waiting.text;
      f.elements.key.value = waiting.key;
    } else if (typed && typed.form === formKey(f)) {
      f.elements.text.value = typed.text;
    }
  }

  // After any change of the page: a draft whose form went away is kept.
  function reconcile() {
    if (document.querySelector("#my-hat[hx-trigger]")) return; // a hat's form is on its way
    const typed = draft(), f = form();
    if (typed && typed.form !== formKey(f)) {
      keep(typed.text, typed.refusal);
      setPending(typed.form, null); // never resent to a question no longer asked
      setDraft(null);
    }
    restore();
    showKept();
  }

  // Said through the phone's one live region, #announcer (static/js/focus.js).
  function announce(text) {
    document.dispatchEvent(new CustomEvent("announce", { detail: { text: text } }));
  }

  let shown = null;
  let keptCount = null; // how many were shown; null before the first showing (a reload says nothing)
  function showKept() {
    const box = document.getElementById("kept-drafts");
    const template = document.getElementById("kept-draft-template");
    if (!box || !template) return;
    const list = kept(), open = Boolean(form());
    const signature = JSON.stringify([list, open]);
    if (signature === shown) return; // unchanged: keep focus and the "Copied." feedback
    shown = signature;
    if (keptCount !== null && list.length > keptCount) {
      const newest = list[list.length - 1];
      announce(newest.refusal || box.dataset.unsentText);
    }
    keptCount = list.length;
    box.textContent = "";
    list.forEach((item, index) => {
      const card = template.content.firstElementChild.cloneNode(true);
      card.dataset.index = String(index);
      card.classList.toggle("is-refused", Boolean(item.refusal));
      card.querySelector(".kept-draft-why").textContent = item.refusal || box.dataset.unsentText;
      card.querySelector(".kept-draft-text").textContent = item.text;
      card.querySelector("[data-kept=put]").hidden = !open;
      box.append(card);
    });
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    // Plain http on a venue network: the old way.
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "visually-hidden";
    document.body.append(area);
    area.select();
    const done = document.execCommand("copy");
    area.remove();
    return done ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest("[data-kept]");
    if (button) {
      const card = button.closest(".kept-draft");
      const item = kept()[Number(card.dataset.index)];
      if (!item) return;
      const action = button.dataset.kept;
      if (action === "copy") {
        const label = button.textContent;
        copy(item.text).then(() => {
          button.textContent = document.getElementById("kept-drafts").dataset.copiedText;
          announce(button.textContent);
          setTimeout(() => { button.textContent = label; }, 2000);
        }, () => {});
        return;
      }
      if (action === "put") {
        const f = form();
        if (!f) return;
        const area = f.elements.text;
        area.value = area.value.trim() ? area.value + "\n" + item.text : item.text;
        setDraft({ text: area.value, form: formKey(f) });
        area.focus();
      }
      unkeep(item.text); // put in the box, or dismissed
      showKept();
      return;
    }
    // "Stay" in the leave confirmation closes it, without a reload.
    const stay = event.target.closest && event.target.closest("details [data-stay]");
    if (stay) {
      event.preventDefault();
      stay.closest("details").open = false;
    }
  });

  document.addEventListener("input", (event) => {
    const field = event.target, f = field.form;
    if (!f || !f.matches("form[data-resend]") || field.name !== "text") return;
    setDraft({ text: field.value, form: formKey(f) });
  });

  // Give a submission its key just before htmx sends it (capture runs first).
  document.addEventListener("submit", (event) => {
    const f = event.target;
    if (!f.matches || !f.matches("form[data-resend]")) return;
    if (!f.elements.key.value) f.elements.key.value = newKey();
    setPending(formKey(f), { text: f.elements.text.value, key: f.elements.key.value });
    const typed = draft();
    setDraft({ text: f.elements.text.value, form: formKey(f), refusal: typed && typed.refusal });
  }, true);

  document.body.addEventListener("htmx:beforeRequest", (event) => {
    const f = event.detail.elt;
    if (f && f.matches && f.matches("form[data-resend]") && event.detail.xhr) {
      requests.set(event.detail.xhr, { form: formKey(f), text: f.elements.text.value });
    }
  });

  function refusalOf(xhr) {
    const template = document.createElement("template");
    template.innerHTML = xhr.responseText || "";
    const message = template.content.querySelector(".message-error, [role=alert]");
    return message ? message.textContent.trim() : "";
  }

  // A refusal for good: the text stays, with the server's reason.
  function refused(sent, reason) {
    const f = form();
    if (f && formKey(f) === sent.form) {
      // Still on screen, in its form, with the reason in #form-message; kept
      // with that reason if the form goes away before the person acts.
      const typed = draft();
      if (typed && typed.form === sent.form) setDraft({ ...typed, refusal: reason });
      return;
    }
    keep(sent.text, reason);
    showKept();
  }

  // Stored (200) or refused for good (any 4xx but "too many" and "timeout":
  // 400, 403, 409, 413, 422…): nothing to resend, sending again would be
  // refused again forever. Anything else (429, 408, 5xx, a proxy's 502):
  // keep it and send again later, when the server says (Retry-After) or
  // after a few seconds.
  // (When the form has left the page, htmx tells its nearest remaining parent.)
  document.body.addEventListener("htmx:afterRequest", (event) => {
    const xhr = event.detail.xhr, sent = xhr && requests.get(xhr);
    if (!sent || !xhr.status) return;
    requests.delete(xhr);
    if (xhr.status === 200) {
      setPending(sent.form, null);
      const typed = draft();
      if (typed && typed.form === sent.form) setDraft(null);
      unkeep(sent.text); // stored after all, though its question went away meanwhile
      showKept();
      return;
    }
    if (refusedForGood(xhr.status)) {
      setPending(sent.form, null);
      refused(sent, refusalOf(xhr));
      return;
    }
    clearTimeout(retryTimer);
    retryTimer = setTimeout(retry, 1000 * (Number(xhr.getResponseHeader("Retry-After")) || 5));
  });

  function refusedForGood(status) {
    return status >= 400 && status < 500 && status !== 429 && status !== 408;
  }

  // A resend the server had already stored answers with the same card: show it once.
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    const incoming = event.detail.serverResponse || "";
    const match = incoming.match(/id="(mine-\d+|my-comment-\d+)"/);
    if (match && document.getElementById(match[1])) event.detail.shouldSwap = false;
  });

  // Triggered by the server's answer on the form that sent (only while it is on the page).
  document.body.addEventListener("sent", (event) => {
    const f = event.target;
    clearTimeout(retryTimer);
    if (!f.matches || !f.matches("form[data-resend]")) return;
    setPending(formKey(f), null);
    const typed = draft();
    if (typed && typed.form === formKey(f)) setDraft(null);
    f.reset();
    f.elements.key.value = "";
    f.querySelectorAll("textarea[maxlength]").forEach(charsLeft);
    say("");
  });

  // How many characters are left in a text field, once fewer than CHARS_SHOWN
  // remain (templates/_chars_left.html): a pasted paragraph is not cut unseen.
  const CHARS_SHOWN = 100;
  function charsLeft(field) {
    const note = field.id && document.getElementById(field.id + "-left");
    if (!note || field.maxLength < 0) return;
    const left = field.maxLength - field.value.length;
    note.hidden = left >= CHARS_SHOWN;
    note.textContent = (left === 1 ? note.dataset.one : note.dataset.many).replace("{count}", left);
  }
  document.addEventListener("input", (event) => {
    if (event.target instanceof HTMLTextAreaElement) charsLeft(event.target);
  });

  // A paste longer than the room left is cut by the browser at maxlength, silently:
  // say how much of it was left out (the rest is still on the clipboard).
  document.addEventListener("paste", (event) => {
    const field = event.target;
    if (!(field instanceof HTMLTextAreaElement) || field.maxLength < 0 || !event.clipboardData) return;
    const note = field.id && document.getElementById(field.id + "-left");
    const pasted = event.clipboardData.getData("text").length;
    const room = field.maxLength - field.value.length + (field.selectionEnd - field.selectionStart);
    const cut = pasted - room;
    if (!note || cut <= 0) return;
    setTimeout(() => {
      note.hidden = false;
      note.textContent = (cut === 1 ? note.dataset.cutOne : note.dataset.cutMany).replace("{count}", cut);
    }, 0);
  });

  function retry() {
    restore();
    const f = form();
    if (f && pending(formKey(f))) htmx.trigger(f, "submit");
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

  // Forms come and go with pushes and reloads; look again after each change
  // (changes inside the kept texts are this file's own).
  let scheduled = false;
  function changed(mutations) {
    const box = document.getElementById("kept-drafts");
    if (box && mutations.every((m) => box.contains(m.target))) return;
    if (scheduled) return;
    scheduled = true;
    setTimeout(() => { scheduled = false; reconcile(); }, 0);
  }
  document.addEventListener("DOMContentLoaded", () => {
    reconcile();
    const main = document.querySelector("main") || document.body;
    new MutationObserver(changed).observe(main, { childList: true, subtree: true });
  });
})();

// The ballot's own script (static/js/ballot.js: long lists, limits on the
// phone, changes sent once), loaded beside this one on every phone page.
(function () {
  "use strict";
  const self = document.currentScript;
  if (!self || document.querySelector("script[data-ballot-script]")) return;
  const script = document.createElement("script");
  script.src = self.src.replace(/phone\.js(\?.*)?$/, "ballot.js");
  script.dataset.ballotScript = "";
  document.head.append(script);
})();
