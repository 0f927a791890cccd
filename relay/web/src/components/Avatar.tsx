/** A stable colour and initials derived from the name: the last two characters of a Chinese name, else initials. */
export function Avatar({ name, size = 'md' }: { name: string; size?: 'sm' | 'md' }) {
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + ch.codePointAt(0)!) >>> 0;
  const chars = [...name.trim()];
  const words = name.trim().split(/\s+/);
  const label = /[\u3400-\u9fff]/.test(name) ? chars.slice(-2).join('')
    : (words.length > 1 ? words[0]![0]! + words[1]![0]! : chars.slice(0, 2).join('')).toUpperCase();
  // A string style is applied through the CSSOM, which the Content-Security-Policy (style-src 'self') allows.
  return <span class={`avatar ${size}`} style={`--hue:${hash % 360}`} aria-hidden="true">{label || '?'}</span>;
}
