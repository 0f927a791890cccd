// Service worker: keeps the app shell available offline. Network first, so a
// new deployment is picked up at once; the cache answers only when offline.
// API calls and the WebSocket are never cached.
const CACHE = 'switchboard-shell-v2';

self.addEventListener('install', (event) => {
  // The shell plus every file index.html references (the stylesheet, /branding.js, /dist/app.js), so the app opens offline.
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    const html = await (await fetch('/', { cache: 'no-cache' })).text();
    const assets = [...html.matchAll(/(?:href|src)="(\/[^"]+\.(?:js|css|svg))"/g)].map((m) => m[1]);
    await cache.addAll(['/', '/manifest.webmanifest', ...new Set(assets)]);
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k)))).then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== location.origin || url.pathname.startsWith('/api/') || url.pathname === '/ws') return;
  event.respondWith(fetch(event.request).then((res) => {
    if (res.ok) { const copy = res.clone(); void caches.open(CACHE).then((c) => c.put(event.request, copy)); }
    return res;
  }).catch(() => caches.match(event.request).then((hit) => hit || caches.match('/'))));
});
