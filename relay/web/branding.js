// Starts the branding request before the modules load (app.ts awaits window.sbBranding).
// A file, not an inline script, so the page runs under a Content-Security-Policy of script-src 'self'.
window.sbBranding = fetch('/api/v1/branding').then((r) => (r.ok ? r.json() : null)).catch(() => null);
