import type { RefObject } from 'preact';
import { useLayoutEffect } from 'preact/hooks';

/** Arrow keys move between the links of a list; Home/End jump. */
export function listKeys(e: KeyboardEvent): void {
  const items = [...(e.currentTarget as HTMLElement).querySelectorAll<HTMLElement>('a')];
  const i = items.indexOf(document.activeElement as HTMLElement);
  let next = -1;
  if (e.key === 'ArrowDown') next = Math.min(items.length - 1, i + 1);
  else if (e.key === 'ArrowUp') next = Math.max(0, i - 1);
  else if (e.key === 'Home') next = 0;
  else if (e.key === 'End') next = items.length - 1;
  if (next >= 0 && items[next]) { e.preventDefault(); items[next]!.focus(); }
}

/**
 * Keeps focus on the same row while a keyed list reorders. Preact keeps each row's element, but moving an
 * element in the DOM takes focus from it (there is no move that keeps it in today's browsers), so a row that was
 * moved while focused gets it back. Call during render: it notes the focused row before the DOM changes.
 */
export function useKeptFocus(list: RefObject<HTMLElement>): void {
  const active = document.activeElement;
  const focused = active instanceof HTMLElement && list.current?.contains(active) ? active : null;
  useLayoutEffect(() => {
    if (focused?.isConnected && document.activeElement !== focused) focused.focus({ preventScroll: true });
  });
}
