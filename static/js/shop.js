// Progressive enhancements only: every feature here has a plain-HTML fallback.
(function () {
  "use strict";
  // Move focus to the swapped region's heading when htmx replaces main content, so screen readers follow.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (target && target.hasAttribute && target.hasAttribute("data-focus-on-swap")) {
      var heading = target.querySelector("h1, h2, [tabindex='-1']");
      if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
    }
  });
})();
