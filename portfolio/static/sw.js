// The service worker, served at /sw.js (root scope) by portfolio/routes/pwa.py, which fills in the version
// (a hash of this file and the shell) and the list of shell files. A new version is a new cache; the old
// ones are deleted when it activates.
//
// What it caches: the shell (CSS, htmx, the scripts, the icons, /offline), under the hashed names the pages
// link (/static/app.<hash>.css), and a student's own pages, network first. A page is kept only when the server marked it with the expiry of the session it was made
// for (X-Session-Expires, sent on a student's own pages only: every page with another person's data is
// no-store), and a kept page is refused after that moment. Never: anything but GET, htmx fragment requests
// (HX-Request), /api/, other origins. The caches are emptied at sign-in and at sign-out (Clear-Site-Data,
// and behaviours/service-worker.js on the sign-in page).
"use strict";

var VERSION = "__VERSION__";
var CACHE = "portfolio-" + VERSION;
var SHELL = ["__SHELL__"];

importScripts("/static/offline.js");

// A page kept before a deploy links the shell files under the hashes of its day, or under their plain names
// (/static/app.css): both are answered with the file of the same name that the cache holds now.
function plainName(path) {
  return path.replace(/\.[0-9a-f]{10}(\.[^./]+)$/, "$1");
}
var SHELL_BY_NAME = {};
SHELL.forEach(function (url) { SHELL_BY_NAME[plainName(url)] = url; });

function fillShell() {
  // Adds the shell files that are missing (after the caches were emptied at sign-in, say).
  return caches.open(CACHE).then(function (cache) {
    return Promise.all(SHELL.map(function (url) {
      return cache.match(url).then(function (hit) {
        return hit || cache.add(new Request(url, {credentials: "same-origin", cache: "no-cache"}));
      });
    }));
  });
}

self.addEventListener("install", function (event) {
  event.waitUntil(fillShell().then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("portfolio-") === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

var SESSION_EXPIRES = "X-Session-Expires";

function cacheable(response) {
  // A whole answer of this server, not a redirect (a sign-in page must not be kept under the address of a
  // student page), and not marked private to the moment (links with a token in them, others' records).
  if (!response || response.status !== 200 || response.type !== "basic" || response.redirected) {
    return false;
  }
  var control = response.headers.get("Cache-Control") || "";
  return control.indexOf("no-store") === -1;
}

function sessionEnded(response) {
  // Unix seconds; a page without the mark was not made for a session we may keep it for.
  var until = Number(response.headers.get(SESSION_EXPIRES));
  return !(until > Date.now() / 1000);
}

function keepablePage(response) {
  return cacheable(response) && !sessionEnded(response);
}

function keptPage(cache, request) {
  // The address as it was seen, else the same page without its query (the queue's ?fix= link); the app's
  // start address (/) sends a student to /student. A copy whose session has ended is dropped, not shown.
  var path = new URL(request.url).pathname;
  return cache.match(request).then(function (hit) {
    return hit || cache.match(request, {ignoreSearch: true});
  }).then(function (hit) {
    return hit || (path === "/" ? cache.match("/student") : null);
  }).then(function (hit) {
    if (hit && SHELL.indexOf(path) === -1 && sessionEnded(hit)) {
      return cache.delete(hit.url || request, {ignoreSearch: true}).then(function () { return null; });
    }
    return hit;
  });
}

function navigation(event) {
  var request = event.request;
  return fetch(request).then(function (response) {
    if (keepablePage(response)) {
      var copy = response.clone();
      event.waitUntil(caches.open(CACHE).then(function (cache) {
        return cache.put(request, copy);
      }).then(fillShell).catch(function () {}));
    }
    return response;
  }).catch(function () {
    return caches.open(CACHE).then(function (cache) {
      return keptPage(cache, request).then(function (hit) {
        if (hit) {
          // The page is a saved copy: it says so (navigator.onLine is not always false when offline).
          event.waitUntil(self.clients.get(event.resultingClientId).then(function (page) {
            if (page) { page.postMessage({type: "offline-copy"}); }
          }).catch(function () {}));
        }
        return hit || cache.match("/offline");
      });
    }).then(function (hit) {
      return hit || new Response("<!doctype html><title>Offline</title><p>You are offline.</p>", {
        status: 503, headers: {"Content-Type": "text/html; charset=utf-8"}
      });
    });
  });
}

function shellFile(event, kept) {
  // Cache first: the cache's name changes with every change to these files.
  return caches.open(CACHE).then(function (cache) {
    return cache.match(kept).then(function (hit) {
      return hit || fetch(event.request).then(function (response) {
        if (cacheable(response) && new URL(event.request.url).pathname === kept) {
          event.waitUntil(cache.put(event.request, response.clone()));
        }
        return response;
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) {
    return;
  }
  if (request.headers.has("HX-Request") || url.pathname.indexOf("/api/") === 0) {
    return;  // fragments and the API go to the network, never into a cache
  }
  if (request.mode === "navigate") {
    event.respondWith(navigation(event));
  } else if (SHELL_BY_NAME[plainName(url.pathname)]) {
    event.respondWith(shellFile(event, SHELL_BY_NAME[plainName(url.pathname)]));
  }
});

// After a page emptied the caches (a sign-in, a new user): the shell again, and the page on screen, so
// the app opens offline at once. The page is fetched with this session, like any navigation.
self.addEventListener("message", function (event) {
  if (!event.data || event.data.type !== "refill") {
    return;
  }
  var page = event.data.page ? new URL(event.data.page, self.location.origin) : null;
  event.waitUntil(fillShell().then(function () {
    if (!page || page.origin !== self.location.origin) {
      return null;
    }
    return fetch(page.href, {credentials: "same-origin", cache: "no-store"}).then(function (response) {
      return keepablePage(response) ? caches.open(CACHE).then(function (cache) { return cache.put(page.href, response); }) : null;
    });
  }).catch(function () {}));
});

function tellPages(message) {
  return self.clients.matchAll({type: "window"}).then(function (pages) {
    pages.forEach(function (page) { page.postMessage(message); });
  });
}

// Background Sync: the browser wakes the worker when the connection is back, even with the app closed.
// The queue sends an entry only when /api/v1/me says the session is the entry's own user's.
self.addEventListener("sync", function (event) {
  if (event.tag === PortfolioQueue.SYNC_TAG) {
    event.waitUntil(PortfolioQueue.sync(null).then(function (result) {
      return tellPages({type: "queue-synced", synced: result.synced}).then(function () {
        if (result.unreachable) {
          throw new Error("the server did not answer: the browser tries again later");
        }
      });
    }));
  }
});
