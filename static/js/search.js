// The header search box as an ARIA combobox: htmx fetches the suggestions list (see
// partials/search/header_box.html); this file adds keyboard navigation. Without it, the box is a plain
// search form and the links in the list still work.
(function () {
  "use strict";
  var INPUT_ID = "header-search";
  var active = -1;

  function input() { return document.getElementById(INPUT_ID); }
  function list() { return document.getElementById("search-suggestions-list"); }
  function options() {
    var l = list();
    return l && !l.hidden ? Array.prototype.slice.call(l.querySelectorAll("[role=option]")) : [];
  }

  function setActive(index) {
    var all = options();
    var box = input();
    active = all.length ? (index + all.length) % all.length : -1;
    all.forEach(function (option, i) {
      option.setAttribute("aria-selected", i === active ? "true" : "false");
      option.classList.toggle("is-active", i === active);
    });
    if (active >= 0) {
      box.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    } else {
      box.removeAttribute("aria-activedescendant");
    }
  }

  function open(isOpen) {
    var box = input();
    var l = list();
    if (!box) { return; }
    if (l) { l.hidden = !isOpen || l.children.length === 0; }
    box.setAttribute("aria-expanded", l && !l.hidden ? "true" : "false");
    if (!isOpen) { setActive(-1); }
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (target && target.id === "search-suggestions" || document.getElementById("search-suggestions") === event.target) {
      active = -1;
      open(document.activeElement === input());
    }
  });

  document.addEventListener("keydown", function (event) {
    var box = input();
    if (!box || event.target !== box) { return; }
    var all = options();
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!all.length) { return; }
      event.preventDefault();
      open(true);
      setActive(active === -1 && event.key === "ArrowUp" ? -1 : active + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter" && active >= 0 && all[active]) {
      event.preventDefault();  // open the chosen product instead of submitting the search
      var link = all[active].querySelector("a");
      if (link) { window.location.assign(link.href); }
    } else if (event.key === "Escape") {
      open(false);
    }
  });

  document.addEventListener("click", function (event) {
    var box = input();
    if (box && !box.closest(".search-combobox").contains(event.target)) { open(false); }
  });

  document.addEventListener("focusin", function (event) {
    if (event.target === input()) { open(true); }
  });
})();
