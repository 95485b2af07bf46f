// The installable app: registers the service worker (/sw.js, which keeps the shell and the pages seen
// last) and empties its caches when the person using this phone changes. Runs once per page load: it
// belongs to no element, so nothing htmx swaps in needs it again.
(function () {
  "use strict";

  if ("serviceWorker" in navigator && /^https?:$/.test(location.protocol)) {
    navigator.serviceWorker.register("/sw.js", {scope: "/"}).catch(function () {});
  }

  // Sign-in and sign-out (which lands here with ?signed_out=1): nothing cached for the last user of this
  // phone stays. A sign-in that skips this page (an invitation, a password reset) is caught by the change
  // of user. Then the worker puts the shell (which holds nobody's data) back, and the page on screen, so
  // the app opens offline at once after a sign-in.
  function clearCaches(keepPage) {
    if (!window.caches) {
      return;
    }
    caches.keys().then(function (names) {
      return Promise.all(names.map(function (name) { return caches.delete(name); }));
    }).then(function () {
      return "serviceWorker" in navigator ? navigator.serviceWorker.ready : null;
    }).then(function (registration) {
      if (registration && registration.active) {
        registration.active.postMessage({type: "refill", page: keepPage ? location.pathname + location.search : ""});
      }
    }).catch(function () {});
  }

  var LAST_USER = "portfolio-last-user";
  var currentUser = Portfolio.userId();
  try {
    if (location.pathname === "/signin") {
      clearCaches(false);
      localStorage.removeItem(LAST_USER);
    } else if (currentUser && localStorage.getItem(LAST_USER) !== currentUser) {
      clearCaches(true);
      localStorage.setItem(LAST_USER, currentUser);
    }
  } catch (ignored) {
    if (location.pathname === "/signin") { clearCaches(false); }
  }
})();
