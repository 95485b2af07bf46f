// The entries kept on this phone (offline.js): sent when any page of their student opens and when the
// connection comes back (the service worker's Background Sync sends them too, and tells the page); the
// dashboard's "Waiting to sync" section ([data-sync-list]) shows each one as waiting, sending, synced or
// needing a fix.
(function () {
  "use strict";

  var Queue = window.PortfolioQueue;
  var el = Portfolio.el;
  var STATES = {
    waiting: "Waiting to sync",
    sending: "Sending…",
    failed: "Needs a fix",
    signed_out: "Signed out — sign in to send"
  };

  var synced = [];  // sent while this page is open: shown as "Synced" with a link to the entry

  function itemRow(item) {
    var values = item.values;
    var li = el("li", {"class": "sync-item", "data-client-uuid": item.client_uuid});
    li.appendChild(el("span", {"class": "entry-title"}, values.title || "(no title)"));
    var files = (item.files || []).length;
    li.appendChild(el("span", {"class": "entry-meta"},
      [values.organization, values.date, values.hours ? values.hours + " h" : "",
        files ? (files === 1 ? "1 file" : files + " files") : ""].filter(Boolean).join(" · ")));
    li.appendChild(el("span", {"class": "status sync-state sync-" + item.state}, STATES[item.state] || item.state));
    if (item.state === "failed" && item.entry) {
      // The entry is on the server; a file was refused. Another can be added on the entry's page.
      li.appendChild(el("p", {"class": "error"}, item.error));
      var open = el("p", {"class": "sync-actions"});
      open.appendChild(el("a", {"class": "button", href: "/student/experiences/" + item.entry.id + "/edit#evidence"}, "Open the entry"));
      open.appendChild(el("button", {type: "button", "class": "danger", "data-sync-delete": item.client_uuid}, "Remove this notice"));
      li.appendChild(open);
    } else if (item.state === "failed") {
      li.appendChild(el("p", {"class": "error"}, item.error));
      var actions = el("p", {"class": "sync-actions"});
      actions.appendChild(el("a", {"class": "button", href: "/student/experiences/new?fix=" + encodeURIComponent(item.client_uuid)}, "Fix it"));
      var drop = el("button", {type: "button", "class": "danger", "data-sync-delete": item.client_uuid}, "Delete from this phone");
      actions.appendChild(drop);
      li.appendChild(actions);
    } else if (item.state === "signed_out") {
      var again = el("p", {"class": "sync-actions"});
      again.appendChild(el("a", {"class": "button", href: "/signin?next=/student"}, "Sign in to send"));
      li.appendChild(again);
    } else if (item.error) {
      li.appendChild(el("p", {"class": "hint"}, item.error));
    }
    return li;
  }

  function syncedRow(done) {
    var li = el("li", {"class": "sync-item", "data-client-uuid": done.client_uuid});
    var title = done.title || "(no title)";
    if (done.entry && done.entry.id) {
      li.appendChild(el("a", {"class": "entry-title", href: "/student/experiences/" + done.entry.id}, title));
    } else {
      li.appendChild(el("span", {"class": "entry-title"}, title));
    }
    li.appendChild(el("span", {"class": "status sync-state sync-synced"}, "Synced"));
    return li;
  }

  // This user's queued entries only.
  function render() {
    var section = document.querySelector("[data-sync-list]");
    var user = Portfolio.userId();
    if (!section || !user || !Queue || !Queue.available) {
      return Promise.resolve();
    }
    return Queue.forUser(user).then(function (items) {
      var list = section.querySelector("ul");
      list.textContent = "";
      items.forEach(function (item) { list.appendChild(itemRow(item)); });
      synced.forEach(function (done) { list.appendChild(syncedRow(done)); });
      section.hidden = !(items.length || synced.length);
    }).catch(function () {});
  }

  var retryIn = 5000;
  var retryTimer = null;

  function syncNow() {
    var user = Portfolio.userId();
    if (!user || !Queue || !Queue.available || !navigator.onLine) {
      return Promise.resolve();
    }
    clearTimeout(retryTimer);
    return Queue.sync(user, render).then(function (result) {
      if (result && result.unreachable) {
        // No answer: try again, less and less often (and at once on the online event, or the next page).
        retryTimer = setTimeout(syncNow, retryIn);
        retryIn = Math.min(retryIn * 2, 300000);
      } else {
        retryIn = 5000;
      }
      if (result && result.synced.length) {
        document.dispatchEvent(new CustomEvent("portfolio:synced"));  // the server answered: no offline banner
        synced = synced.concat(result.synced);
        Portfolio.say(result.synced.length === 1 ? "Synced: 1 entry sent from this phone." : "Synced: " + result.synced.length + " entries sent from this phone.");
      }
      return render();
    }).catch(function () {});
  }

  // Drawn as soon as it is on the page: offline nothing is sent, and the list is all there is to see.
  Portfolio.behaviour("[data-sync-list]", function (section) {
    section.addEventListener("click", function (event) {
      var button = event.target.closest ? event.target.closest("[data-sync-delete]") : null;
      if (button && Queue) {
        Queue.remove(button.getAttribute("data-sync-delete")).then(function () {
          Portfolio.say("Deleted from this phone.");
          return render();
        }).catch(function () {});
      }
    });
    render();
  });

  // Every page, not only the dashboard: whichever one the student opens first back online sends the queue.
  document.addEventListener("DOMContentLoaded", function () {
    var notice = Portfolio.takeNotice();
    if (notice) {
      Portfolio.say(notice);
    }
    syncNow();
  });
  window.addEventListener("online", syncNow);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "queue-synced") {
        if (event.data.synced && event.data.synced.length) {
          synced = synced.concat(event.data.synced);
          Portfolio.say("Synced: entries sent from this phone.");
        }
        render();
      }
    });
  }
})();
