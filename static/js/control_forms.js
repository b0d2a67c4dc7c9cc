// The control view's "add" forms (voting round, six hats, cells sign-up).
// 1. The vote form shows only the fields of the chosen vote type and source;
//    without this script every field shows and the form still works.
// 2. Every control stage the server sends carries fresh copies of these forms
//    (#control-forms-next: vote sources, hats subjects, cells priorities as
//    they are now). A form is put in place only while it is closed, so an open
//    form and whatever is being typed in it stay; it catches up when closed.
(function () {
  "use strict";

  function words(value) {
    return (value || "").split(/\s+/).filter(Boolean);
  }

  function showFields(form) {
    const source = form.querySelector("select[name=source]");
    const kind = form.querySelector("select[name=kind]");
    for (const field of form.querySelectorAll("[data-show-for-kind]")) {
      field.hidden = kind ? !words(field.dataset.showForKind).includes(kind.value) : false;
    }
    for (const field of form.querySelectorAll("[data-show-for-source]")) {
      field.hidden = source ? !words(field.dataset.showForSource).includes(source.value) : false;
    }
  }

  function showAllFields() {
    document.querySelectorAll("form[data-vote-form]").forEach(showFields);
  }

  document.addEventListener("change", (event) => {
    const form = event.target.closest("form[data-vote-form]");
    if (!form) return;
    // Ticking an item means voting on the ticked items.
    if (event.target.name === "pick" && event.target.checked) {
      const source = form.querySelector("select[name=source]");
      if (source) source.value = "picked";
    }
    showFields(form);
  });

  function busy(form) {
    const details = form.querySelector(":scope > details");
    if (details && details.open) return true;
    const focused = document.activeElement;
    return Boolean(focused && form.contains(focused) && focused.matches("input, textarea, select"));
  }

  function adoptFreshForms() {
    const inbox = document.getElementById("control-forms-next");
    if (!inbox) return;
    for (const fresh of inbox.querySelectorAll("template[data-for]")) {
      if (fresh.dataset.adopted) continue;
      const current = document.getElementById(fresh.dataset.for);
      const replacement = fresh.content.firstElementChild;
      if (!current || !replacement || busy(current)) continue;
      fresh.dataset.adopted = "1";
      const node = replacement.cloneNode(true);
      current.replaceWith(node);
      if (window.htmx) window.htmx.process(node);
    }
    showAllFields();
  }

  function start() {
    // The forms of the page itself are as fresh as the stage it came with.
    document.querySelectorAll("#control-forms-next template[data-for]").forEach((t) => { t.dataset.adopted = "1"; });
    showAllFields();
    new MutationObserver((changes) => {
      const relevant = changes.some((change) => Array.from(change.addedNodes).some((node) =>
        node.nodeType === 1 && (node.id === "control-forms-next" || node.querySelector?.("#control-forms-next"))));
      if (relevant) adoptFreshForms();
    }).observe(document.body, { childList: true, subtree: true });
    // "toggle" does not bubble: listen while it goes down. A closed form catches up.
    document.addEventListener("toggle", (event) => {
      if (!event.target.open) adoptFreshForms();
    }, true);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
