// A session's roster ([data-roster]): a tick marks a student present and an untick undoes it, at once on the
// screen. Each mark goes through the offline queue (offline.js) with a UUID of its own, to the roster's JSON
// endpoint: on a job site or a bus without signal it waits on the phone and is sent when the connection comes
// back, exactly once (the server keeps one mark per UUID). Without this script the ticks are plain forms.
(function () {
  "use strict";

  var Queue = window.PortfolioQueue;

  function marksUrl(list) {
    return "/api/v1/sessions/" + list.getAttribute("data-session-id") + "/marks";
  }

  function countPresent(list) {
    var present = list.querySelectorAll(".roster-row.is-present").length;
    var counter = document.querySelector("[data-present]");
    if (counter) {
      counter.textContent = String(present);
    }
  }

  // How many of this roster's marks wait on the phone, said under the counter.
  function showPending(list) {
    var line = document.querySelector("[data-roster-pending]");
    var user = Portfolio.userId();
    if (!line || !user) {
      return Promise.resolve();
    }
    return Queue.forUser(user).then(function (items) {
      var url = marksUrl(list);
      var waiting = items.filter(function (item) { return item.url === url; });
      var failed = waiting.filter(function (item) { return item.state === "failed"; });
      line.hidden = !waiting.length;
      line.textContent = failed.length
        ? "The server refused " + failed.length + " of these marks: " + failed.map(function (item) { return item.error; }).join(" ")
        : waiting.length === 1 ? "1 mark is waiting to be sent: it goes as soon as there is a connection."
          : waiting.length + " marks are waiting to be sent: they go as soon as there is a connection.";
    }).catch(function () {});
  }

  var sending = false;

  // Send what waits, and again while marks made during a send are left (one sync runs at a time).
  function sendNow(list) {
    var user = Portfolio.userId();
    if (!navigator.onLine) {
      Queue.askForBackgroundSync();
    }
    if (sending || !user || !navigator.onLine) {
      return showPending(list);
    }
    sending = true;
    return Queue.sync(user, function () { return showPending(list); }).then(function (result) {
      sending = false;
      return Queue.forUser(user).then(function (items) {
        var due = items.filter(function (item) { return item.url === marksUrl(list) && item.state === "waiting"; });
        if (due.length && result && !result.unreachable) {
          return sendNow(list);
        }
        if (due.length) {
          setTimeout(function () { sendNow(list); }, 5000);
        }
        return showPending(list);
      });
    }, function () { sending = false; });
  }

  function setRow(row, present) {
    row.classList.toggle("is-present", present);
    row.querySelector("button.tick").setAttribute("aria-pressed", present ? "true" : "false");
    row.querySelector("input[name=present]").value = present ? "0" : "1";
  }

  function queueMark(list, row, present) {
    setRow(row, present);
    countPresent(list);
    var values = {student_id: row.getAttribute("data-student-id"), present: present ? "1" : "0", method: "roster",
      title: (present ? "Present: " : "Not present: ") + row.getAttribute("data-name")};
    return Queue.add(Portfolio.userId(), values, Queue.newUuid(), [], marksUrl(list));
  }

  Portfolio.behaviour("[data-roster]", function (list) {
    if (!Queue || !Queue.available) {
      return;
    }
    list.addEventListener("submit", function (event) {
      var form = event.target.closest("[data-roster-tick]");
      if (!form) {
        return;
      }
      event.preventDefault();
      var row = form.closest(".roster-row");
      queueMark(list, row, !row.classList.contains("is-present")).then(function () {
        showPending(list);
        return sendNow(list);
      });
    });
    var all = document.querySelector("[data-roster-all]");
    if (all) {
      all.addEventListener("submit", function (event) {
        event.preventDefault();
        var rows = Array.prototype.slice.call(list.querySelectorAll(".roster-row:not(.is-present)"));
        // One after another: each mark is its own queued item, in the order of the roster.
        rows.reduce(function (done, row) {
          return done.then(function () { return queueMark(list, row, true); });
        }, Promise.resolve()).then(function () { return sendNow(list); });
      });
    }
    window.addEventListener("online", function () { sendNow(list); });
    sendNow(list);
  });
})();
