// The printable e-invoice page: the Print button.
(function () {
  "use strict";
  const print = document.querySelector("[data-testid=print]");
  if (print) print.addEventListener("click", function () { window.print(); });
})();
