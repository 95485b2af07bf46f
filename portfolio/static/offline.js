// The offline queue: hours logged without a connection wait in IndexedDB and are sent to the JSON API
// when the connection is back. Loaded by pages (before app.js, which draws the queue) and by the service
// worker (Background Sync), so it uses no DOM.
//
// Each entry keeps the client UUID it was queued with (the server creates one entry per UUID, so a retry
// after a timeout never makes a second one) and the id of the user who logged it: it is sent only when
// /api/v1/me, asked just before sending, says the session is that user's, with the CSRF token it returns.
(function (scope) {
  "use strict";

  var DB_NAME = "portfolio-offline";
  var QUEUE = "queue";  // client_uuid -> {client_uuid, user_id, values, created, state, error, errors}
  var SENT = "sent";    // client_uuid -> {client_uuid, at}: UUIDs already sent, never reused for a new entry
  var SENT_DAYS = 60;
  var FIELDS = ["kind", "title", "organization", "date", "hours", "cluster", "reflection"];
  var SYNC_TAG = "portfolio-queue";
  // waiting: not sent yet; sending: on its way (a closed page leaves it so; it is sent again, safely);
  // failed: the server refused it (errors say why, the student fixes or deletes it);
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

  function pick(values) {
    var clean = {};
    FIELDS.forEach(function (name) { clean[name] = values[name] == null ? "" : String(values[name]); });
    return clean;
  }

  // Queue an entry. The form's UUID is kept (a send that failed half-way may have reached the server),
  // unless this phone already used it for another entry: a form page served from the cache again.
  function add(userId, values, uuid) {
    return transaction([QUEUE, SENT], "readwrite", function (stores, result) {
      var item = {
        client_uuid: uuid || newUuid(), user_id: String(userId), values: pick(values),
        created: Date.now(), state: "waiting", error: "", errors: {}
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
        item.values = pick(values);
        item.state = "waiting";
        item.error = "";
        item.errors = {};
        stores[QUEUE].put(item);
        result.value = item;
      };
    });
  }

  function markSent(uuid) {
    return transaction([QUEUE, SENT], "readwrite", function (stores) {
      stores[QUEUE].delete(uuid);
      stores[SENT].put({client_uuid: uuid, at: Date.now()});
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
    var fresh = Object.assign({}, item, {client_uuid: newUuid(), state: "waiting"});
    return transaction([QUEUE], "readwrite", function (stores) {
      stores[QUEUE].delete(item.client_uuid);
      stores[QUEUE].put(fresh);
    }).then(function () { return fresh; });
  }

  function messages(errors) {
    return Object.keys(errors || {}).map(function (key) { return String(errors[key]); }).join(" ");
  }

  function send(item, token, changed, renewed) {
    item.state = "sending";
    return put(item).then(changed).then(function () {
      var body = Object.assign({client_uuid: item.client_uuid}, item.values);
      return scope.fetch("/api/v1/experiences", {
        method: "POST",
        credentials: "same-origin",
        cache: "no-store",
        headers: {"Content-Type": "application/json", "Accept": "application/json", "x-csrftoken": token},
        body: JSON.stringify(body)
      });
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (answer) {
        var status = response.status;
        if (status === 200 || status === 201) {
          return markSent(item.client_uuid).then(function () {
            return {synced: {client_uuid: item.client_uuid, title: item.values.title, entry: answer.entry || null}};
          });
        }
        if (status === 409 && !renewed) {
          return renew(item).then(function (fresh) { return send(fresh, token, changed, true); });
        }
        if (status === 422) {
          item.state = "failed";
          item.errors = answer.errors || {};
          item.error = messages(item.errors) || "The server did not accept this entry.";
        } else if (status === 401) {
          item.state = "signed_out";
          item.error = "";
        } else {
          item.state = "waiting";
          item.error = "The server could not take it just now (" + status + "). It will try again.";
        }
        return put(item).then(function () { return {stop: status === 401 || status >= 500}; });
      });
    }, function () {
      // No answer (offline, or a timeout): it stays in the queue and goes again with the same UUID.
      item.state = "waiting";
      return put(item).then(function () { return {stop: true, unreachable: true}; });
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
            return send(mine[index], me.csrf_token, changed, false).then(function (outcome) {
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

  scope.PortfolioQueue = {
    FIELDS: FIELDS,
    SYNC_TAG: SYNC_TAG,
    available: !!(scope.indexedDB && scope.fetch && scope.Promise),
    add: add,
    update: update,
    get: get,
    remove: remove,
    forUser: forUser,
    sync: sync,
    messages: messages
  };
})(self);
