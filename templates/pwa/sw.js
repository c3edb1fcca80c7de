{% load static %}/* Envoice service worker.

   - Uploads (POST /api/v1/documents/) that cannot reach the server are kept in IndexedDB and answered
     with 202 {"queued": true}; they are sent again when the connection is back (Background Sync,
     or a "flush" message from the page when it sees the browser go online). Each sent file is
     reported to the open pages ({type: "uploaded"}).
   - The capture page and the static files it needs open without signal (network first, then the
     last copy).
*/
"use strict";
const UPLOADS = "/api/v1/documents/";
const CACHE = "envoice-shell-v1";
const SHELL = [
  "{% url 'documents:capture' %}",
  "{% static 'css/envoice.css' %}",
  "{% static 'css/upload.css' %}",
  "{% static 'js/app.js' %}",
  "{% static 'js/upload.js' %}",
  "{% static 'vendor/htmx-2.0.11.min.js' %}",
  "{% static 'icons/icon-192.png' %}",
];
const DB = "envoice-outbox";
const STORE = "uploads";

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return Promise.all(SHELL.map(function (url) { return cache.add(url).catch(function () { return null; }); }));
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

function openDb() {
  return new Promise(function (resolve, reject) {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = function () { request.result.createObjectStore(STORE, { keyPath: "id", autoIncrement: true }); };
    request.onsuccess = function () { resolve(request.result); };
    request.onerror = function () { reject(request.error); };
  });
}

function withStore(mode, work) {
  return openDb().then(function (db) {
    return new Promise(function (resolve, reject) {
      const tx = db.transaction(STORE, mode);
      const result = work(tx.objectStore(STORE));
      tx.oncomplete = function () { resolve(result && "result" in result ? result.result : result); };
      tx.onerror = function () { reject(tx.error); };
    });
  });
}

async function keep(request) {
  const form = await request.formData();
  const fields = [];
  form.forEach(function (value, name) {
    fields.push(value instanceof File ? { name: name, file: value, filename: value.name } : { name: name, value: value });
  });
  const entry = {
    url: request.url,
    csrf: request.headers.get("X-CSRFToken") || "",
    upload: request.headers.get("X-Envoice-Upload") || "",
    fields: fields,
    kept_at: Date.now(),
  };
  await withStore("readwrite", function (store) { return store.add(entry); });
  if (self.registration.sync) {
    try { await self.registration.sync.register("envoice-uploads"); } catch (error) { /* page sends "flush" */ }
  }
  return new Response(
    JSON.stringify({ queued: true, detail: "No connection: kept on this device and sent when the connection is back." }),
    { status: 202, headers: { "Content-Type": "application/json" } }
  );
}

async function tell(message) {
  const pages = await self.clients.matchAll({ includeUncontrolled: true, type: "window" });
  pages.forEach(function (page) { page.postMessage(message); });
}

let flushing = null;
function flush() {
  if (!flushing) { flushing = sendKept().finally(function () { flushing = null; }); }
  return flushing;
}

async function sendKept() {
  const entries = await withStore("readonly", function (store) { return store.getAll(); });
  for (const entry of entries) {
    const form = new FormData();
    entry.fields.forEach(function (f) { if (f.file) { form.append(f.name, f.file, f.filename); } else { form.append(f.name, f.value); } });
    let response;
    try {
      response = await fetch(entry.url, {
        method: "POST", body: form, credentials: "same-origin",
        headers: { "X-CSRFToken": entry.csrf, "Accept": "application/json" },
      });
    } catch (error) {
      return; // still offline: keep everything for the next try
    }
    if (response.status >= 500 || response.status === 429) { return; }
    let body = {};
    try { body = await response.json(); } catch (error) { body = {}; }
    await withStore("readwrite", function (store) { return store.delete(entry.id); });
    await tell({ type: response.ok ? "uploaded" : "refused", upload: entry.upload, status: response.status, body: body });
  }
}

self.addEventListener("sync", function (event) {
  if (event.tag === "envoice-uploads") { event.waitUntil(flush()); }
});

self.addEventListener("message", function (event) {
  if (event.data === "flush") { event.waitUntil(flush()); }
});

self.addEventListener("fetch", function (event) {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.method === "POST" && url.pathname === UPLOADS) {
    const copy = request.clone();
    event.respondWith(fetch(request).catch(function () { return keep(copy); }));
    return;
  }
  if (request.method !== "GET") { return; }
  if (SHELL.indexOf(url.pathname) !== -1) {
    event.respondWith(
      fetch(request).then(function (response) {
        if (response.ok) {
          const copy = response.clone();
          caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
        }
        return response;
      }).catch(function () {
        return caches.match(request).then(function (hit) { return hit || Response.error(); });
      })
    );
  }
});
