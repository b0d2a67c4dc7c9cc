// A plain form (not htmx) is not sent twice with the same content. A double
// click sent it twice: the first made the row (an organisation, a sign-up)
// and the second, the page the person then saw, answered that it already
// existed. htmx forms have hx-disabled-elt instead. Until the next page
// comes, a second submit of the same form with the same values is ignored;
// with other values (the next organisation typed while the page was slow to
// come) it goes. A form whose answer is no new page (a download) can be sent
// again after a few seconds, or when the page comes back from the history.
(function () {
  "use strict";
  const AGAIN_AFTER = 5000; // ms
  const sent = new WeakMap(); // form -> what it sent last, while its answer is awaited

  function contentOf(form, submitter) {
    const data = new FormData(form, submitter);
    return JSON.stringify(Array.from(data.entries(), ([name, value]) =>
      [name, typeof value === "string" ? value : `${value.name}:${value.size}`]));
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") return;
    if (form.hasAttribute("hx-post") || form.target === "_blank") return;
    const content = contentOf(form, event.submitter);
    if (sent.get(form) === content) {
      event.preventDefault();
      return;
    }
    if (event.defaultPrevented) return; // a confirmation declined: nothing was sent
    sent.set(form, content);
    setTimeout(() => { if (sent.get(form) === content) sent.delete(form); }, AGAIN_AFTER);
  });

  window.addEventListener("pageshow", (event) => {
    if (!event.persisted) return;
    document.querySelectorAll("form").forEach((form) => sent.delete(form));
  });
})();
