// Control view: the agenda scrolls in its own box beside the stage. When the
// current activity changes (a click here, or a push), bring it into that box's
// view so its Open/Close button is never out of sight; otherwise leave the
// facilitator's scrolling alone (adding a round to the agenda must not jump).
(function () {
  "use strict";
  let shown = null;

  function currentItem(box) {
    const items = Array.from(box.querySelectorAll(".agenda-item"));
    const index = items.findIndex((item) => item.classList.contains("is-current"));
    return index < 0 ? null : { item: items[index], key: index + "|" + items[index].textContent.trim().slice(0, 80) };
  }

  function keepCurrentInSight(box) {
    const current = currentItem(box);
    if (!current || current.key === shown) return;
    shown = current.key;
    const outer = box.getBoundingClientRect();
    const inner = current.item.getBoundingClientRect();
    if (inner.top < outer.top) box.scrollTop -= outer.top - inner.top + 8;
    else if (inner.bottom > outer.bottom) box.scrollTop += inner.bottom - outer.bottom + 8;
  }

  function start() {
    const box = document.querySelector(".agenda-scroll");
    if (!box) return;
    keepCurrentInSight(box);
    // htmx and live.js both replace #agenda whole: a change among the box's children.
    new MutationObserver(() => keepCurrentInSight(box)).observe(box, { childList: true });
    // A form opened below the agenda ("Add an activity", then a voting round) starts
    // at the top of the box, with its whole height, not in the strip left under the agenda.
    box.addEventListener("toggle", (event) => {
      const opened = event.target;
      if (!(opened instanceof HTMLDetailsElement) || !opened.open) return;
      const top = (opened.querySelector(":scope > summary") || opened).getBoundingClientRect().top;
      box.scrollTop += top - box.getBoundingClientRect().top - 4;
    }, true);  // toggle does not bubble: caught on its way down
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

// Merging more than two ticked ideas asks first (templates/ideas/_control_stage.html):
// two pairs of duplicates ticked at once became one idea, and a merge is not undone.
(function () {
  "use strict";
  document.addEventListener("htmx:confirm", (event) => {
    const form = event.detail.elt;
    if (!(form instanceof HTMLFormElement) || !form.matches(".merge-bar")) return;
    const ticked = document.querySelectorAll("#stage .idea-select input:checked").length;
    if (ticked <= 2) return;
    event.preventDefault();
    if (window.confirm(form.dataset.confirmMany.replace("{count}", ticked))) event.detail.issueRequest(true);
  });
})();
