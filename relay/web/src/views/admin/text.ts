import { useEffect, useState } from 'preact/hooks';
import { useI18n } from '../../context.js';
import { errorText } from '../../format.js';
import type { I18n, TextKey } from '../../i18n.js';
import { adminEn, adminZh } from '../../i18n-admin.js';

export type AdminKey = keyof typeof adminZh;
export interface AdminI18n extends Omit<I18n, 't'> {
  t(key: AdminKey | TextKey, ...args: (string | number)[]): string;
  /** A refusal in words, with its code: the server's answer, never a guess of the console's. */
  refusal(e: unknown): string;
  /** Date and time, to the minute. */
  stamp(ms: number): string;
}

/** The console's texts (i18n-admin.ts) before the app's. */
export function useAdminI18n(): AdminI18n {
  const i18n = useI18n();
  const dict: Record<string, string> = i18n.lang === 'en' ? adminEn : adminZh;
  const t = (key: AdminKey | TextKey, ...args: (string | number)[]): string => (key in dict
    ? dict[key]!.replace(/\{(\d)\}/g, (_m, i: string) => String(args[Number(i)] ?? ''))
    : i18n.t(key as TextKey, ...args));
  const refusal = (e: unknown): string => {
    const code = (e as { code?: string }).code ?? '';
    const words = dict[`err_${code}`] ?? errorText(i18n, e);
    return code ? `${words}（${code}）` : words;
  };
  const stamp = (ms: number): string => new Date(ms).toLocaleString(i18n.htmlLang, { dateStyle: 'short', timeStyle: 'short', hour12: false });
  return { ...i18n, t, refusal, stamp };
}

export type Loaded<T> = { state: 'loading' } | { state: 'ok'; data: T } | { state: 'error'; error: unknown };

/** Calls `fetch` when `key` changes (and on `reload`); an answer that arrives after a newer call is dropped. */
export function useLoad<T>(fetch: () => Promise<T>, key: string): [Loaded<T>, () => void] {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    setLoaded({ state: 'loading' });
    fetch().then((data) => { if (live) setLoaded({ state: 'ok', data }); }, (error: unknown) => { if (live) setLoaded({ state: 'error', error }); });
    return () => { live = false; };
  }, [key, n]);
  return [loaded, () => setN((x) => x + 1)];
}

/** One CSV cell: quoted when it holds a comma, quote or line break; a leading = + - @ is neutralised for spreadsheets. */
const cell = (v: unknown): string => {
  let s = v === null || v === undefined ? '' : String(v);
  if (/^[=+\-@]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
export const toCsv = (rows: readonly (readonly unknown[])[]): string => rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';

/** Hands text to the browser as a file (with a byte-order mark, so spreadsheet programs read the Chinese right). */
export function saveText(name: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob(['\ufeff', text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** `yyyy-mm-ddThh:mm` of a datetime-local input as ms, undefined when empty. */
export const fromLocal = (v: string): number | undefined => (v ? new Date(v).getTime() : undefined);
