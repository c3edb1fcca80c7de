/* Every page: the collapsible navigation on narrow screens, and the service worker that lets the
   phone keep photos taken without signal (templates/pwa/sw.js). */
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.querySelector("[data-navtoggle]");
    var nav = document.getElementById("mainnav");
    if (toggle && nav) {
      toggle.addEventListener("click", function () {
        var open = toggle.getAttribute("aria-expanded") !== "true";
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
        nav.classList.toggle("open", open);
      });
    }
  });
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () { /* not installable here */ });
    window.addEventListener("online", function () {
      if (navigator.serviceWorker.controller) { navigator.serviceWorker.controller.postMessage("flush"); }
    });
  }
})();
