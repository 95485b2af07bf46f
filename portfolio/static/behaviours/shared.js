// What the behaviour scripts share: a way to start on the page and on every fragment htmx swaps in, and
// a few small DOM helpers. Every page works without any of these files.
(function () {
  "use strict";

  // start(element) once for each element that matches selector: those on the page as loaded and those in
  // any fragment htmx swaps in later. Once, because htmx also announces content it only moved (hx-preserve
  // carries the chosen files over into a form sent back with errors), which keeps its listeners.
  function behaviour(selector, start) {
    var started = new WeakSet();
    function within(root) {
      if (!root || !root.querySelectorAll) {
        return;
      }
      var found = Array.prototype.slice.call(root.querySelectorAll(selector));
      if (root.matches && root.matches(selector)) {
        found.unshift(root);
      }
      found.forEach(function (element) {
        if (!started.has(element)) {
          started.add(element);
          start(element);
        }
      });
    }
    if (window.htmx) {
      htmx.onLoad(within);
    } else {  // htmx did not load: the page as it came still gets its behaviours
      document.addEventListener("DOMContentLoaded", function () { within(document.body); });
    }
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  // The signed-in user (the server puts the id on <body>); none on the offline page, which anyone may see.
  function userId() {
    return document.body ? document.body.getAttribute("data-user-id") : null;
  }

  // The status line at the top of the dashboard; a page without one says nothing.
  function say(text) {
    var status = document.querySelector("[data-sync-status]");
    if (status) {
      status.textContent = text;
      status.hidden = !text;
    }
  }

  // A notice for the next page this tab opens: the entry form leaves one as it goes to the dashboard.
  var NOTICE_KEY = "portfolio-notice";

  function leaveNotice(text) {
    try {
      sessionStorage.setItem(NOTICE_KEY, text);
    } catch (ignored) { /* private mode: the dashboard's list still shows the entry */ }
  }

  function takeNotice() {
    try {
      var notice = sessionStorage.getItem(NOTICE_KEY);
      sessionStorage.removeItem(NOTICE_KEY);
      return notice;
    } catch (ignored) {
      return null;
    }
  }

  window.Portfolio = {
    behaviour: behaviour,
    el: el,
    userId: userId,
    say: say,
    leaveNotice: leaveNotice,
    takeNotice: takeNotice
  };
})();
