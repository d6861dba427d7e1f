// Cart: keep focus sensible after htmx swaps. When a line is removed or the cart emptied, the element that
// had focus is gone; the server marks what should take focus instead with data-focus-after-swap.
// (Lines and add-to-cart forms keep their element ids, so htmx itself restores focus after those swaps.)
(function () {
  "use strict";
  document.addEventListener("htmx:afterSettle", function () {
    var target = document.querySelector("[data-focus-after-swap]");
    if (target) {
      target.removeAttribute("data-focus-after-swap");
      target.focus();
    }
  });
})();
