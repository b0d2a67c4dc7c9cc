// A plain form (not htmx) is sent once. A double click sent it twice: the
// first made the row (an organisation, a sign-up) and the second, the page
// the person then saw, answered that it already existed. htmx forms have
// hx-disabled-elt instead. Until the next page comes, a second submit of the
// same form is ignored; a form whose answer is no new page (a download) can
// be sent again after a few seconds, or when the page comes back from the
// browser's history.
(function () {
  "use strict";
  const AGAIN_AFTER = 5000; // ms

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") return;
    if (form.hasAttribute("hx-post") || form.target === "_blank") return;
    if (form.dataset.sending) {
      event.preventDefault();
      return;
    }
    if (event.defaultPrevented) return; // a confirmation declined: nothing was sent
    form.dataset.sending = "1";
    setTimeout(() => { delete form.dataset.sending; }, AGAIN_AFTER);
  });

  window.addEventListener("pageshow", () => {
    document.querySelectorAll("form[data-sending]").forEach((form) => { delete form.dataset.sending; });
  });
})();
