// Drag an idea onto a theme on the control view (desktop). Touch screens use
// the "move to" menu and its button on each card; a drop sets that menu and submits its form.
(function () {
  "use strict";
  document.addEventListener("dragstart", (event) => {
    const card = event.target.closest && event.target.closest(".idea[draggable=true]");
    if (card) event.dataTransfer.setData("text/plain", card.id);
  });
  document.addEventListener("dragover", (event) => {
    if (event.target.closest && event.target.closest(".theme")) event.preventDefault();
  });
  document.addEventListener("drop", (event) => {
    const theme = event.target.closest && event.target.closest(".theme");
    if (!theme) return;
    event.preventDefault();
    const card = document.getElementById(event.dataTransfer.getData("text/plain"));
    const menu = card && card.querySelector(".move-select");
    if (!menu || menu.value === theme.dataset.theme) return;
    menu.value = theme.dataset.theme;
    htmx.trigger(menu.form, "submit"); // the menu itself moves nothing until its button (WCAG 3.2.2)
  });
})();
