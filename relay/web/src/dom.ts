/** Small DOM helpers: the client has no framework, just elements built by h(). */
type Child = Node | string | number | null | undefined | false | Child[];
type Attrs = Record<string, unknown> & { class?: string; on?: Record<string, (e: any) => void> };

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs | null = null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'on') for (const [ev, fn] of Object.entries(v as Record<string, (e: Event) => void>)) el.addEventListener(ev, fn);
      else if (k === 'class') el.className = String(v);
      // Through the CSSOM: the Content-Security-Policy (style-src 'self') refuses style attributes.
      else if (k === 'style') el.style.cssText = String(v);
      else if (k === 'value' || k === 'checked' || k === 'disabled') (el as any)[k] = v;
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
  }
}

export function replace(el: Element, ...children: Child[]): void {
  el.textContent = '';
  append(el, children);
}

/** Coalesces many change notifications into one call per animation frame. */
export function frameThrottle(fn: () => void): () => void {
  let queued = false;
  return () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => { queued = false; fn(); });
  };
}

/** A stable colour and initials for an avatar, derived from the name. */
export function avatar(name: string, size: 'sm' | 'md' = 'md'): HTMLElement {
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + ch.codePointAt(0)!) >>> 0;
  const chars = [...name.trim()];
  const words = name.trim().split(/\s+/);
  const label = /[\u3400-\u9fff]/.test(name) ? chars.slice(-2).join('')
    : (words.length > 1 ? words[0]![0]! + words[1]![0]! : chars.slice(0, 2).join('')).toUpperCase();
  return h('span', { class: `avatar ${size}`, style: `--hue:${hash % 360}`, 'aria-hidden': 'true' }, label || '?');
}

/** The "muted" mark: a bell with a slash, drawn inline so no icon font is needed. */
export function muteIcon(label: string): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', 'mute-mark');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  const title = document.createElementNS(ns, 'title');
  title.textContent = label;
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', 'M12 3a6 6 0 0 0-6 6v4l-2 3h16l-2-3V9a6 6 0 0 0-6-6zm-2 15a2 2 0 0 0 4 0M3 3l18 18');
  path.setAttribute('fill', 'none');
  path.setAttribute('stroke', 'currentColor');
  path.setAttribute('stroke-width', '2');
  path.setAttribute('stroke-linecap', 'round');
  svg.append(title, path);
  return svg;
}
