// A button marked data-print prints the page (the print stylesheet in thads.css lays out the minutes).
document.querySelectorAll("[data-print]").forEach(function (button) {
  "use strict";
  button.addEventListener("click", function () { window.print(); });
});
