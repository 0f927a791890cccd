import { AppError } from '../../shared/errors.js';

/** `--max-bytes 20MB`, `--allow pdf,image/*`, `--block exe,bat`; "inherit" leaves a field to wider rules, "any" allows every type. */
export function fileRuleFields(get: (flag: string) => string | undefined): { max_bytes?: number | null; allowed?: string[] | null; blocked?: string[] | null } {
  const out: { max_bytes?: number | null; allowed?: string[] | null; blocked?: string[] | null } = {};
  const max = get('--max-bytes');
  if (max !== undefined) out.max_bytes = max === 'inherit' ? null : bytes(max);
  const list = (v: string) => (v === 'inherit' ? null : v === 'any' || v === 'none' ? [] : v.split(',').map((s) => s.trim()).filter(Boolean));
  const allow = get('--allow');
  if (allow !== undefined) out.allowed = list(allow);
  const block = get('--block');
  if (block !== undefined) out.blocked = list(block);
  return out;
}

function bytes(v: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|k|mb|m|gb|g)?$/i.exec(v.trim());
  if (!m) throw new AppError('SB_VALIDATION', `max_bytes: ${v} is not a size (e.g. 20MB, 512KB, 1048576)`);
  const unit = (m[2] ?? 'b').toLowerCase()[0]!;
  return Math.round(Number(m[1]) * ({ b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 } as Record<string, number>)[unit]!);
}

export function fileRuleLine(r: { scope: string; target_id: number; max_bytes: number | null; allowed: string[] | null; blocked: string[] | null }): string {
  const parts = [
    r.max_bytes === null ? null : `at most ${r.max_bytes} bytes`,
    r.allowed === null ? null : r.allowed.length ? `only ${r.allowed.join(', ')}` : 'any type',
    r.blocked === null ? null : r.blocked.length ? `never ${r.blocked.join(', ')}` : 'nothing blocked',
  ].filter(Boolean);
  return `${r.scope} #${r.target_id}: ${parts.join('; ') || 'nothing set (wider rules apply)'}`;
}
