// The offline queue: hours logged without a connection wait in IndexedDB and are sent to the JSON API
// when the connection is back. Loaded by pages (before the behaviour scripts that fill and draw it) and by
// the service worker (Background Sync), so it uses no DOM.
//
// Each entry keeps the client UUID it was queued with (the server creates one entry per UUID, so a retry
// after a timeout never makes a second one) and the id of the user who logged it: it is sent only when
// /api/v1/me, asked just before sending, says the session is that user's, with the CSRF token it returns.
// Photos and PDFs chosen with it wait as Blobs, each with a UUID of its own, and are sent one by one once
// the entry exists on the server (the same rule: one file per UUID).
(function (scope) {
  "use strict";

  var DB_NAME = "portfolio-offline";
  // client_uuid -> {client_uuid, user_id, values, files, entry, created, state, error, errors}
  // files: [{client_uuid, name, type, size, blob, error}], the ones not on the server yet;
  // entry: the server's entry once it was created (then only files are left to send).
  var QUEUE = "queue";
  var SENT = "sent";    // client_uuid -> {client_uuid, at}: UUIDs already sent, never reused for a new entry
  var SENT_DAYS = 60;
  var SYNC_TAG = "portfolio-queue";
  // waiting: not sent yet; sending: on its way (a closed page leaves it so; it is sent again, safely);
  // failed: the server refused it, or one of its files (errors say why; the student fixes or deletes it);
  // signed_out: no session when it was to be sent.
  var SENDABLE = {waiting: true, sending: true, signed_out: true};

  var opening = null;

  function open() {
    if (!opening) {
      opening = new Promise(function (resolve, reject) {
        var request = scope.indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = function () {
          var db = request.result;
          db.createObjectStore(QUEUE, {keyPath: "client_uuid"}).createIndex("user_id", "user_id");
          db.createObjectStore(SENT, {keyPath: "client_uuid"});
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { opening = null; reject(request.error); };
      });
    }
    return opening;
  }

  // Runs work(stores) in one transaction; resolves with what work returned once the transaction commits.
  function transaction(names, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(names, mode);
        var stores = {};
        names.forEach(function (name) { stores[name] = tx.objectStore(name); });
        var result = {};
        work(stores, result);
        tx.oncomplete = function () { resolve(result.value); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  function newUuid() {
    if (scope.crypto && scope.crypto.randomUUID) {
      return scope.crypto.randomUUID();
    }
    var bytes = scope.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function all() {
    return transaction([QUEUE], "readonly", function (stores, result) {
      stores[QUEUE].getAll().onsuccess = function (event) { result.value = event.target.result; };
    }).then(function (items) {
      return items.sort(function (a, b) { return a.created - b.created; });
    });
  }

  function forUser(userId) {
    return all().then(function (items) {
      return items.filter(function (item) { return item.user_id === String(userId); });
    });
  }

  function get(uuid) {
    return transaction([QUEUE], "readonly", function (stores, result) {
      stores[QUEUE].get(uuid).onsuccess = function (event) { result.value = event.target.result; };
    });
  }

  function put(item) {
    return transaction([QUEUE], "readwrite", function (stores) { stores[QUEUE].put(item); });
  }

  function remove(uuid) {
    return transaction([QUEUE], "readwrite", function (stores) { stores[QUEUE].delete(uuid); });
  }

  // The entry's fields as the form named them (the server renders that list from the fields it reads, so
  // this file keeps no list of its own), each as text.
  function texts(values) {
    var clean = {};
    Object.keys(values || {}).forEach(function (name) { clean[name] = values[name] == null ? "" : String(values[name]); });
    return clean;
  }

  // Queue an entry. The form's UUID is kept (a send that failed half-way may have reached the server),
  // unless this phone already used it for another entry: a form page served from the cache again.
  // url: where the item goes, when it is not a student's entry (a roster's attendance mark, say); the same
  // JSON rules hold there: 200 or 201 with {entry}, one result per client_uuid.
  function add(userId, values, uuid, files, url) {
    return transaction([QUEUE, SENT], "readwrite", function (stores, result) {
      var item = {
        client_uuid: uuid || newUuid(), user_id: String(userId), values: texts(values), url: url || null,
        files: (files || []).map(function (file) {
          return {client_uuid: file.client_uuid || newUuid(), name: file.name, type: file.type, size: file.size, blob: file.blob, error: ""};
        }),
        entry: null, created: Date.now(), state: "waiting", error: "", errors: {}
      };
      result.value = item;
      var check = function (store, next) {
        stores[store].count(item.client_uuid).onsuccess = function (event) {
          if (event.target.result) {
            item.client_uuid = newUuid();
            stores[QUEUE].put(item);
          } else {
            next();
          }
        };
      };
      check(QUEUE, function () { check(SENT, function () { stores[QUEUE].put(item); }); });
    });
  }

  // A failed entry, corrected by the student: sent again with the same UUID (the server refused it, so
  // nothing was created under it).
  function update(uuid, values) {
    return transaction([QUEUE], "readwrite", function (stores, result) {
      stores[QUEUE].get(uuid).onsuccess = function (event) {
        var item = event.target.result;
        if (!item) {
          return;
        }
        item.values = texts(values);
        item.state = "waiting";
        item.error = "";
        item.errors = {};
        stores[QUEUE].put(item);
        result.value = item;
      };
    });
  }

  // The server has the entry: its UUID is never used again on this phone; its files may still be due.
  function entryCreated(item, entry) {
    item.entry = entry;
    return transaction([QUEUE, SENT], "readwrite", function (stores) {
      stores[QUEUE].put(item);
      stores[SENT].put({client_uuid: item.client_uuid, at: Date.now()});
      var old = Date.now() - SENT_DAYS * 86400000;
      stores[SENT].openCursor().onsuccess = function (event) {
        var cursor = event.target.result;
        if (cursor) {
          if (cursor.value.at < old) { cursor.delete(); }
          cursor.continue();
        }
      };
    });
  }

  // The server said this UUID belongs to another entry: nothing was created for this one, so it takes a
  // new UUID (stored before it is sent, so a retry uses the same new one).
  function renew(item) {
    var old = item.client_uuid;
    item.client_uuid = newUuid();
    return transaction([QUEUE], "readwrite", function (stores) {
      stores[QUEUE].delete(old);
      stores[QUEUE].put(item);
    }).then(function () { return item; });
  }

  function messages(errors) {
    return Object.keys(errors || {}).map(function (key) { return String(errors[key]); }).join(" ");
  }

  function post(url, token, body, json) {
    var headers = {"Accept": "application/json", "x-csrftoken": token};
    if (json) {
      headers["Content-Type"] = "application/json";
    }
    return scope.fetch(url, {
      method: "POST", credentials: "same-origin", cache: "no-store", headers: headers,
      body: json ? JSON.stringify(body) : body
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (answer) {
        return {status: response.status, answer: answer};
      });
    });
  }

  // An answer that stops this round: signed out (each entry waits for its own user), or the server
  // cannot take it now (it stays waiting and goes again with the same UUID).
  function halt(item, status) {
    item.state = status === 401 ? "signed_out" : "waiting";
    item.error = status === 401 ? "" : "The server could not take it just now (" + status + "). It will try again.";
    return put(item).then(function () { return {stop: true}; });
  }

  function unanswered(item) {
    // No answer (offline, or a timeout): it stays in the queue and goes again with the same UUIDs.
    item.state = "waiting";
    return put(item).then(function () { return {stop: true, unreachable: true}; });
  }

  function sendEntry(item, token, renewed) {
    var body = Object.assign({client_uuid: item.client_uuid}, item.values);
    return post(item.url || "/api/v1/experiences", token, body, true).then(function (reply) {
      if (reply.status === 200 || reply.status === 201) {
        return entryCreated(item, reply.answer.entry || {}).then(function () { return null; });
      }
      if (reply.status === 409 && !renewed) {
        return renew(item).then(function (fresh) { return sendEntry(fresh, token, true); });
      }
      if (reply.status === 422) {
        item.state = "failed";
        item.errors = reply.answer.errors || {};
        item.error = messages(item.errors) || "The server did not accept this entry.";
        return put(item).then(function () { return {stop: false}; });
      }
      return halt(item, reply.status);
    }, function () { return unanswered(item); });
  }

  // The files of an entry the server has, one at a time, each once (by its UUID).
  function sendFiles(item, token, changed) {
    var due = item.files.filter(function (file) { return !file.error; });
    var next = function (index, renewed) {
      if (index >= due.length) {
        return null;
      }
      var file = due[index];
      var form = new FormData();
      form.append("client_uuid", file.client_uuid);
      form.append("file", file.blob, file.name || "evidence");
      return post("/api/v1/experiences/" + item.entry.id + "/evidence", token, form, false).then(function (reply) {
        if (reply.status === 200 || reply.status === 201) {
          item.files = item.files.filter(function (other) { return other !== file; });
        } else if (reply.status === 409 && reply.answer.error === "conflict" && !renewed) {
          file.client_uuid = newUuid();  // stored before it is sent, so a retry uses the same new one
          return put(item).then(function () { return next(index, true); });
        } else if (reply.status === 409 || reply.status === 404 || reply.status === 422) {
          file.error = messages(reply.answer.errors) || reply.answer.detail || "The server did not accept this file.";
        } else {
          return halt(item, reply.status);
        }
        return put(item).then(changed).then(function () { return next(index + 1, false); });
      }, function () { return unanswered(item); });
    };
    return next(0, false);
  }

  function send(item, token, changed) {
    item.state = "sending";
    item.files = item.files || [];  // queued by an earlier version of this script
    return put(item).then(changed).then(function () {
      return item.entry ? null : sendEntry(item, token, false);
    }).then(function (outcome) {
      if (outcome) {
        return outcome;
      }
      return Promise.resolve(sendFiles(item, token, changed)).then(function (stopped) {
        if (stopped) {
          return stopped;
        }
        var refused = item.files.filter(function (file) { return file.error; });
        if (!refused.length) {
          var done = {client_uuid: item.client_uuid, title: item.values.title, entry: item.entry};
          return remove(item.client_uuid).then(function () { return {synced: done}; });
        }
        // The entry is saved; a file was not: the student sees why, and can add another on the entry's page.
        item.state = "failed";
        item.errors = {};
        item.error = "Saved, but " + refused.map(function (file) { return file.name + " was not added: " + file.error; }).join(" ");
        return put(item).then(function () { return {stop: false}; });
      });
    });
  }

  function run(userId, changed) {
    var result = {synced: [], unreachable: false};
    return all().then(function (items) {
      var due = items.filter(function (item) {
        return SENDABLE[item.state] && (userId == null || item.user_id === String(userId));
      });
      if (!due.length) {
        return result;
      }
      return scope.fetch("/api/v1/me", {credentials: "same-origin", cache: "no-store", headers: {"Accept": "application/json"}})
        .then(function (response) {
          if (response.status === 401) {
            // Signed out: each entry waits for its own user to sign in again.
            return Promise.all(due.map(function (item) {
              if (item.state === "signed_out") { return null; }
              item.state = "signed_out";
              return put(item);
            })).then(changed).then(function () { return null; });
          }
          return response.ok ? response.json() : null;
        })
        .then(function (me) {
          if (!me || me.user_id == null) {
            return result;
          }
          // Only this session's user's entries: an entry of another user of this phone stays queued.
          var mine = due.filter(function (item) { return item.user_id === String(me.user_id); });
          var next = function (index) {
            if (index >= mine.length) {
              return result;
            }
            return send(mine[index], me.csrf_token, changed).then(function (outcome) {
              if (outcome.synced) {
                result.synced.push(outcome.synced);
              }
              if (outcome.unreachable) {
                result.unreachable = true;
              }
              return changed().then(function () { return outcome.stop ? result : next(index + 1); });
            });
          };
          return next(0);
        }, function () {  // no connection: try again later
          result.unreachable = true;
          return result;
        });
    });
  }

  var running = null;

  // Send what is due: for userId's entries only (a page passes its signed-in user; the service worker
  // passes null and relies on /api/v1/me alone). One sync at a time, across pages and the worker.
  function sync(userId, onChange) {
    var changed = function () { return Promise.resolve(onChange ? onChange() : null); };
    if (running) {
      return running;
    }
    var locked = scope.navigator && scope.navigator.locks && scope.navigator.locks.request
      ? scope.navigator.locks.request("portfolio-queue-sync", function () { return run(userId, changed); })
      : run(userId, changed);
    running = locked.then(function (result) {
      running = null;
      return result;
    }, function (error) {
      running = null;
      throw error;
    });
    return running;
  }

  // From a page: ask the service worker to send the queue when the connection is back, even if the page is
  // closed by then (Background Sync, where the browser has it).
  function askForBackgroundSync() {
    if (!scope.navigator || !scope.navigator.serviceWorker) {
      return;
    }
    scope.navigator.serviceWorker.ready.then(function (registration) {
      return registration.sync ? registration.sync.register(SYNC_TAG) : null;
    }).catch(function () {});
  }

  scope.PortfolioQueue = {
    newUuid: newUuid,
    SYNC_TAG: SYNC_TAG,
    available: !!(scope.indexedDB && scope.fetch && scope.Promise),
    add: add,
    update: update,
    get: get,
    remove: remove,
    forUser: forUser,
    sync: sync,
    askForBackgroundSync: askForBackgroundSync,
    messages: messages
  };
})(self);
