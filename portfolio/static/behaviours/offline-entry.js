// The new-entry form without a connection (form[data-offline-queue]): the entry and its files are kept on
// this phone (offline.js) instead of posted, and the dashboard shows them waiting. The attribute's value
// names the fields to keep; the server renders it from the list of fields it reads, so the form and the
// queue cannot disagree. /student/experiences/new?fix=<uuid> opens a kept entry the server refused.
(function () {
  "use strict";

  var Queue = window.PortfolioQueue;

  function fields(form) {
    return (form.getAttribute("data-offline-queue") || "").split(/\s+/).filter(Boolean);
  }

  function formValues(form) {
    var data = new FormData(form);
    var values = {};
    fields(form).forEach(function (name) { values[name] = data.get(name) || ""; });
    return values;
  }

  // The chosen photos and PDFs, with the UUIDs the form sends them with (so a file that did arrive is
  // not stored twice when the queue sends it again).
  function chosenFiles(form) {
    var input = form.querySelector("input[data-evidence-files]");
    if (!input || !input.files) {
      return [];
    }
    var uuids = input.parentNode.querySelectorAll("input[name=evidence_uuid]");
    return Array.prototype.map.call(input.files, function (file, index) {
      return {client_uuid: uuids[index] ? uuids[index].value : "", name: file.name, type: file.type, size: file.size, blob: file};
    });
  }

  // Keep the entry on this phone instead of posting it, then show it waiting on the dashboard.
  function keep(form) {
    var fixing = form.getAttribute("data-fixing");
    var uuidField = form.querySelector("input[name=client_uuid]");
    var saving = fixing ? Queue.update(fixing, formValues(form))
      : Queue.add(Portfolio.userId(), formValues(form), uuidField ? uuidField.value : "", chosenFiles(form));
    return saving.then(function () {
      Queue.askForBackgroundSync();
      // Ask the browser not to evict the queue (photos can be large) when the phone runs short of space.
      if (navigator.storage && navigator.storage.persist) {
        navigator.storage.persist().catch(function () {});
      }
      Portfolio.leaveNotice(navigator.onLine ? "Saved on this phone — sending it now." : "Saved on this phone — waiting to sync.");
      location.assign("/student");
    });
  }

  function queueable(form) {
    return form && form.matches && form.matches("form[data-offline-queue]") && Portfolio.userId() && Queue && Queue.available;
  }

  // Offline (or fixing a queued entry): the submit goes to the queue. Caught on the document on its way
  // down, so it is taken before htmx, which listens on the form itself, sees it.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!queueable(form) || (navigator.onLine && !form.getAttribute("data-fixing"))) {
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
    if (!form.checkValidity()) {
      form.reportValidity();
      return;
    }
    keep(form).catch(function () {
      Portfolio.say("Could not save on this phone. Try again when you are online.");
    });
  }, true);

  // Online, but the request did not get an answer: keep it (same UUID, so nothing is doubled if it did arrive).
  document.addEventListener("htmx:sendError", function (event) {
    var form = event.detail && event.detail.elt;
    if (queueable(form) && !form.getAttribute("data-fixing")) {
      keep(form).catch(function () {});
    }
  });

  // ?fix=<uuid>: the form, filled in with a queued entry the server refused.
  Portfolio.behaviour("form[data-offline-queue]", function (form) {
    var uuid = new URLSearchParams(location.search).get("fix");
    if (!uuid || !Queue || !Queue.available) {
      return;
    }
    Queue.get(uuid).then(function (item) {
      if (!item || item.user_id !== Portfolio.userId()) {
        return;
      }
      form.setAttribute("data-fixing", uuid);
      var chooser = form.querySelector("input[data-evidence-files]");
      if (chooser && chooser.closest(".field")) {
        chooser.closest(".field").hidden = true;  // the queued files stay with the entry
      }
      fields(form).forEach(function (name) {
        var field = form.elements.namedItem(name);
        if (field && item.values[name] != null) {
          field.value = item.values[name];
        }
      });
      var uuidField = form.querySelector("input[name=client_uuid]");
      if (uuidField) {
        uuidField.value = uuid;
      }
      var files = (item.files || []).length;
      var note = Portfolio.el("p", {"class": "notice warn", role: "status"},
        "Fixing an entry saved on this phone. " + (item.error || "") + " Saving sends it again" +
        (files ? (files === 1 ? ", with its file." : ", with its " + files + " files.") : "."));
      form.parentNode.insertBefore(note, form);
    }).catch(function () {});
  });
})();
