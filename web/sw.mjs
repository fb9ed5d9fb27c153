// The browser chat's service worker: the app opens offline, with the .wasm.
//
// What it caches is the precache list the app's build writes beside this file as
// `precache.mjs` (scripts/build-web.sh; see web/src/data/README.md):
//
//   export const version = '3f9a…';        // changes whenever a file of the list changes
//   export const files = ['./', './index.html', './app.js', './app.css', './llmux-core.wasm'];
//   export const networkFirst = ['./config.json'];   // optional
//
// A module of its own rather than a JSON file read at install: the browser checks the worker
// script and its imports for changes on each navigation, so a new list is a new version that
// installs by itself; a JSON file fetched at install would not be checked.
//
//   files          served cache-first (falling back to the network), all fetched at install
//                  into the cache `llmux-chat-<version>`; a navigation to one of them ignores
//                  its query string
//   networkFirst   files that change between runs (the demo's config): from the network,
//                  kept in the cache for when it fails
//   anything else  not intercepted: it goes to the network as if there were no worker. So
//                  are every request to another origin (the providers, a gateway, the
//                  simulator) and every request that is not a GET: a provider's answer is
//                  never cached, and offline a cloud call fails at once.
//
// A new version installs while the old one serves, activates at once (skipWaiting: the app
// keeps nothing in the worker, its data is in IndexedDB), takes the open pages (clients.claim)
// and deletes the caches of older versions; a page gets the new files on its next load.

import * as precache from './precache.mjs';

const cachePrefix = 'llmux-chat-';
const cacheName = `${cachePrefix}${precache.version}`;
const scope = self.registration.scope;
const absolute = (file) => new URL(file, scope).href;
const cacheFirstUrls = new Set(precache.files.map(absolute));
const networkFirstUrls = new Set((precache.networkFirst ?? []).map(absolute));
const appShell = absolute('./');

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(cacheName);
    // 'reload': straight from the server, not an HTTP-cached copy of the previous version.
    await cache.addAll([...cacheFirstUrls].map((url) => new Request(url, { cache: 'reload' })));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(cachePrefix) && name !== cacheName) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  url.hash = '';
  if (cacheFirstUrls.has(url.href)) {
    event.respondWith(cacheFirst(request, url.href));
  } else if (request.mode === 'navigate' && cacheFirstUrls.has(`${url.origin}${url.pathname}`)) {
    event.respondWith(cacheFirst(request, `${url.origin}${url.pathname}`));
  } else if (networkFirstUrls.has(url.href)) {
    event.respondWith(networkFirst(request, url.href));
  } else if (request.mode === 'navigate') {
    event.respondWith(fetch(request).catch(() => cacheFirst(request, appShell)));
  }
});

async function cacheFirst(request, url) {
  const cached = await caches.match(url, { cacheName });
  return cached ?? fetch(request);
}

async function networkFirst(request, url) {
  try {
    const response = await fetch(request);
    if (response.ok) {
      const cache = await caches.open(cacheName);
      await cache.put(url, response.clone());
    }
    return response;
  } catch (error) {
    const cached = await caches.match(url, { cacheName });
    if (cached) return cached;
    throw error;
  }
}
