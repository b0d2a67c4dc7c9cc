// Drag an adoption card to another stage on the coordinator's board (desktop).
// The server applies the pipeline's rules; a refused move shows its reason.
(function () {
  "use strict";
  document.addEventListener("dragstart", (event) => {
    const card = event.target.closest && event.target.closest(".board-card[draggable=true]");
    if (card) event.dataTransfer.setData("text/plain", card.id);
  });
  document.addEventListener("dragover", (event) => {
    if (event.target.closest && event.target.closest(".board-column")) event.preventDefault();
  });
  document.addEventListener("drop", (event) => {
    const column = event.target.closest && event.target.closest(".board-column");
    const card = column && document.getElementById(event.dataTransfer.getData("text/plain"));
    if (!card || card.closest(".board-column") === column) return;
    event.preventDefault();
    htmx.ajax("POST", card.dataset.move, { values: { stage: column.dataset.stage }, target: "#form-message", swap: "innerHTML" });
  });
})();
