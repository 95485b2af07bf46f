// Small progressive enhancements; every page works without this file.
"use strict";

// Upload progress: htmx sends forms marked data-progress with XMLHttpRequest and reports its progress.
document.addEventListener("htmx:xhr:progress", function (event) {
  var form = event.target.closest ? event.target.closest("form[data-progress]") : null;
  if (!form || !event.detail.lengthComputable || !event.detail.total) {
    return;
  }
  var bar = form.querySelector("progress");
  if (bar) {
    bar.hidden = false;
    bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
  }
});

// Signature pad (the on-the-spot sign-off): a finger, a pen or a mouse draws on the canvas; the drawing goes
// into the hidden signature_png input as a PNG data URL. Typing the name is the alternative, always shown;
// without this script the pad stays hidden and typing is the way to sign.
function initSignaturePad(form) {
  var pad = form.querySelector("[data-signature-pad]");
  var canvas = pad ? pad.querySelector("canvas") : null;
  var field = form.querySelector("[data-signature-value]");
  if (!pad || !canvas || !field || !canvas.getContext) {
    return;
  }
  pad.hidden = false;
  var context = canvas.getContext("2d");
  var drawn = false;
  var last = null;

  function blank() {
    context.setTransform(1, 0, 0, 1, 0, 0);
    context.fillStyle = "#ffffff";
    context.fillRect(0, 0, canvas.width, canvas.height);
    var ratio = canvas.width / canvas.getBoundingClientRect().width || 1;
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.lineWidth = 2.5;
    context.lineCap = "round";
    context.lineJoin = "round";
    context.strokeStyle = "#1b1f24";
    context.fillStyle = "#1b1f24";
  }

  function paint(dataUrl) {
    var image = new Image();
    image.onload = function () {
      context.save();
      context.setTransform(1, 0, 0, 1, 0, 0);
      context.drawImage(image, 0, 0, canvas.width, canvas.height);
      context.restore();
    };
    image.src = dataUrl;
  }

  // The drawing surface follows the box's size on screen (and the screen's density, up to 2x, which keeps
  // the PNG small); turning the phone redraws what was there.
  function fit() {
    var box = canvas.getBoundingClientRect();
    if (!box.width) {
      return;
    }
    var ratio = Math.min(window.devicePixelRatio || 1, 2);
    var width = Math.round(box.width * ratio);
    var height = Math.round(box.height * ratio);
    if (canvas.width === width && canvas.height === height) {
      return;
    }
    canvas.width = width;
    canvas.height = height;
    blank();
    if (drawn && field.value) {
      paint(field.value);
    }
  }

  function point(event) {
    var box = canvas.getBoundingClientRect();
    return {x: event.clientX - box.left, y: event.clientY - box.top};
  }

  function save() {
    field.value = drawn ? canvas.toDataURL("image/png") : "";
  }

  canvas.addEventListener("pointerdown", function (event) {
    if (event.button !== undefined && event.button > 0) {
      return;
    }
    event.preventDefault();
    if (canvas.setPointerCapture) {
      canvas.setPointerCapture(event.pointerId);
    }
    last = point(event);
    context.beginPath();
    context.arc(last.x, last.y, context.lineWidth / 2, 0, Math.PI * 2);
    context.fill();
    drawn = true;
  });
  canvas.addEventListener("pointermove", function (event) {
    if (!last) {
      return;
    }
    event.preventDefault();
    var next = point(event);
    context.beginPath();
    context.moveTo(last.x, last.y);
    context.lineTo(next.x, next.y);
    context.stroke();
    last = next;
  });
  function finish() {
    if (last) {
      last = null;
      save();
    }
  }
  canvas.addEventListener("pointerup", finish);
  canvas.addEventListener("pointercancel", finish);
  canvas.addEventListener("lostpointercapture", finish);

  var clear = pad.querySelector("[data-signature-clear]");
  if (clear) {
    clear.addEventListener("click", function () {
      drawn = false;
      blank();
      save();
    });
  }
  form.addEventListener("submit", save);
  window.addEventListener("resize", fit);

  fit();
  if (field.value) {  // sent back with an error in another field: show the drawing again
    drawn = true;
    paint(field.value);
  }
}

document.addEventListener("DOMContentLoaded", function () {
  var forms = document.querySelectorAll("form[data-signature-form]");
  for (var i = 0; i < forms.length; i += 1) {
    initSignaturePad(forms[i]);
  }
});

// Copy buttons (the link-created page): <button data-copy="input-id" hidden>. Shown only when the clipboard
// can be written; the status next to it says what happened, for screen readers too.
document.addEventListener("DOMContentLoaded", function () {
  var buttons = document.querySelectorAll("button[data-copy]");
  for (var i = 0; i < buttons.length; i += 1) {
    (function (button) {
      var source = document.getElementById(button.getAttribute("data-copy"));
      var status = button.parentNode.querySelector(".copy-status");
      if (!source || !navigator.clipboard || !window.isSecureContext) {
        return;
      }
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(source.value).then(function () {
          if (status) { status.textContent = "Copied."; }
        }, function () {
          source.select();
          if (status) { status.textContent = "Could not copy: the link is selected, copy it yourself."; }
        });
      });
    })(buttons[i]);
  }
});

// The installable app (issue 13). The service worker (/sw.js) keeps the shell and the pages seen last;
// offline.js keeps hours logged without a connection and sends them when it is back.
(function () {
  var Queue = window.PortfolioQueue;
  var NOTICE_KEY = "portfolio-notice";
  var STATES = {
    waiting: "Waiting to sync",
    sending: "Sending…",
    failed: "Needs a fix",
    signed_out: "Signed out — sign in to send"
  };

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
  var currentUser = document.body ? document.body.getAttribute("data-user-id") : null;
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

  function userId() {
    return document.body ? document.body.getAttribute("data-user-id") : null;
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  // "You are offline" at the top of every page while there is no connection: a page may be a saved copy.
  var savedCopy = false;  // the service worker served this page from its cache

  function showConnection() {
    var main = document.getElementById("main");
    var banner = document.querySelector(".offline-banner");
    var offline = !navigator.onLine || savedCopy;
    if (offline && main && !banner) {
      main.insertBefore(el("p", {"class": "offline-banner", role: "status"},
        "You are offline. This page may be an older copy; hours you log are kept on this phone."), main.firstChild);
    } else if (!offline && banner) {
      banner.parentNode.removeChild(banner);
    }
  }

  function say(text) {
    var status = document.querySelector("[data-sync-status]");
    if (status) {
      status.textContent = text;
      status.hidden = !text;
    }
  }

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
      open.appendChild(el("a", {"class": "button", href: "/student/experiences/" + item.entry.id + "#evidence"}, "Open the entry"));
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

  // The dashboard's "Waiting to sync" section: this user's queued entries only.
  function render() {
    var section = document.querySelector("[data-sync-list]");
    var user = userId();
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
    var user = userId();
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
        savedCopy = false;
        showConnection();
        synced = synced.concat(result.synced);
        say(result.synced.length === 1 ? "Synced: 1 entry sent from this phone." : "Synced: " + result.synced.length + " entries sent from this phone.");
      }
      return render();
    }).catch(function () {});
  }

  function askForBackgroundSync() {
    if (!("serviceWorker" in navigator)) {
      return;
    }
    navigator.serviceWorker.ready.then(function (registration) {
      return registration.sync ? registration.sync.register(Queue.SYNC_TAG) : null;
    }).catch(function () {});
  }

  // The fields to keep: the form names them (data-offline-queue), from the list the server reads.
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
    var user = userId();
    var fixing = form.getAttribute("data-fixing");
    var uuidField = form.querySelector("input[name=client_uuid]");
    var saving = fixing ? Queue.update(fixing, formValues(form))
      : Queue.add(user, formValues(form), uuidField ? uuidField.value : "", chosenFiles(form));
    return saving.then(function () {
      askForBackgroundSync();
      // Ask the browser not to evict the queue (photos can be large) when the phone runs short of space.
      if (navigator.storage && navigator.storage.persist) {
        navigator.storage.persist().catch(function () {});
      }
      try {
        sessionStorage.setItem(NOTICE_KEY, navigator.onLine ? "Saved on this phone — sending it now." : "Saved on this phone — waiting to sync.");
      } catch (ignored) { /* private mode: the list still shows it */ }
      location.assign("/student");
    });
  }

  function queueable(form) {
    return form && form.matches && form.matches("form[data-offline-queue]") && userId() && Queue && Queue.available;
  }

  // Files over the size limit: said at once, and the form is not sent (the server would refuse it whole).
  function checkFiles(input) {
    var limit = Number(input.getAttribute("data-max-bytes")) || Infinity;
    var total = Array.prototype.reduce.call(input.files || [], function (sum, file) { return sum + file.size; }, 0);
    var problem = input.parentNode.querySelector("[data-file-problem]");
    var message = total > limit
      ? "These files come to " + (total / 1048576).toFixed(1) + " MB; at most " + Math.floor(limit / 1048576) + " MB fit. Choose fewer or smaller files."
      : "";
    input.setCustomValidity(message);
    if (problem) {
      problem.textContent = message;
      problem.hidden = !message;
    }
    return !message;
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[data-evidence-files]") || !Queue) {
      return;
    }
    checkFiles(input);
    // One UUID per chosen file, sent with the form and kept with a queued entry.
    Array.prototype.forEach.call(input.parentNode.querySelectorAll("input[name=evidence_uuid]"), function (old) {
      old.parentNode.removeChild(old);
    });
    Array.prototype.forEach.call(input.files || [], function () {
      input.parentNode.appendChild(el("input", {type: "hidden", name: "evidence_uuid", value: Queue.newUuid()}));
    });
  });

  // Offline (or fixing a queued entry): the submit goes to the queue, before htmx sees it.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var files = form.querySelector ? form.querySelector("input[data-evidence-files]") : null;
    if (files && !checkFiles(files)) {
      event.preventDefault();
      event.stopImmediatePropagation();
      files.focus();
      return;
    }
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
      say("Could not save on this phone. Try again when you are online.");
    });
  }, true);

  // Online, but the request did not get an answer: keep it (same UUID, so nothing is doubled if it did arrive).
  document.addEventListener("htmx:sendError", function (event) {
    var form = event.detail && event.detail.elt;
    if (queueable(form) && !form.getAttribute("data-fixing")) {
      keep(form).catch(function () {});
    }
  });

  // /student/experiences/new?fix=<uuid>: the form, filled in with a queued entry the server refused.
  function openFix(form) {
    var uuid = new URLSearchParams(location.search).get("fix");
    if (!uuid || !Queue || !Queue.available) {
      return;
    }
    Queue.get(uuid).then(function (item) {
      if (!item || item.user_id !== userId()) {
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
      var note = el("p", {"class": "notice warn", role: "status"},
        "Fixing an entry saved on this phone. " + (item.error || "") + " Saving sends it again" +
        (files ? (files === 1 ? ", with its file." : ", with its " + files + " files.") : "."));
      form.parentNode.insertBefore(note, form);
    }).catch(function () {});
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-sync-delete]") : null;
    if (button && Queue) {
      Queue.remove(button.getAttribute("data-sync-delete")).then(function () {
        say("Deleted from this phone.");
        return render();
      }).catch(function () {});
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    showConnection();
    var notice = null;
    try {
      notice = sessionStorage.getItem(NOTICE_KEY);
      sessionStorage.removeItem(NOTICE_KEY);
    } catch (ignored) { /* no session storage */ }
    if (notice) {
      say(notice);
    }
    var form = document.querySelector("form[data-offline-queue]");
    if (form) {
      openFix(form);
    }
    render().then(syncNow);
  });
  window.addEventListener("online", function () { savedCopy = false; showConnection(); syncNow(); });
  window.addEventListener("offline", showConnection);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "offline-copy") {
        savedCopy = true;
        showConnection();
      } else if (event.data && event.data.type === "queue-synced") {
        if (event.data.synced && event.data.synced.length) {
          synced = synced.concat(event.data.synced);
          say("Synced: entries sent from this phone.");
        }
        render();
      }
    });
  }
})();
