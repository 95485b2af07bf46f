// "You are offline" at the top of every page while there is no connection: the page may be a copy the
// service worker kept. Once per page load: the banner goes into #main, which htmx never swaps.
(function () {
  "use strict";

  var savedCopy = false;  // the service worker served this page from its cache

  function show() {
    var main = document.getElementById("main");
    var banner = document.querySelector(".offline-banner");
    var offline = !navigator.onLine || savedCopy;
    if (offline && main && !banner) {
      main.insertBefore(Portfolio.el("p", {"class": "offline-banner", role: "status"},
        "You are offline. This page may be an older copy; hours you log are kept on this phone."), main.firstChild);
    } else if (!offline && banner) {
      banner.parentNode.removeChild(banner);
    }
  }

  function online() {
    savedCopy = false;
    show();
  }

  document.addEventListener("DOMContentLoaded", show);
  window.addEventListener("online", online);
  window.addEventListener("offline", show);
  // Entries from this phone reached the server: the connection is back, whatever copy this page is.
  document.addEventListener("portfolio:synced", online);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "offline-copy") {
        savedCopy = true;
        show();
      }
    });
  }
})();
