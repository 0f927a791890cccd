/** The "muted" mark: a bell with a slash, drawn inline so no icon font is needed. */
export function MuteIcon({ label }: { label: string }) {
  return (
    <svg viewBox="0 0 24 24" class="mute-mark" role="img" aria-label={label}>
      <title>{label}</title>
      <path d="M12 3a6 6 0 0 0-6 6v4l-2 3h16l-2-3V9a6 6 0 0 0-6-6zm-2 15a2 2 0 0 0 4 0M3 3l18 18" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
    </svg>
  );
}
