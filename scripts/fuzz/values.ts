import type { Rng } from './random.js';

/**
 * What the generators aim at: the fuzz users' own tokens, conversations and ids, and the bystanders'
 * conversation (which no fuzz user is in). Ids in `protectedIds` (the bystanders, the first administrator)
 * are never put in a request, so the fuzz cannot disable or re-password the people whose traffic it watches.
 */
export interface Targets {
  liveTokens: string[];
  /** Tokens of sessions that have ended: replays. */
  deadTokens: string[];
  adminTokens: string[];
  convIds: number[];
  /** Conversations no fuzz user is a member of. */
  foreignConvIds: number[];
  userIds: number[];
  fileIds: number[];
  protectedIds: Set<number>;
}

/** Stands for a deeply nested value in an object about to be serialised; `raw()` swaps in the text. */
export const DEEP = '\u0000deep\u0000';

export function deepJson(r: Rng, maxDepth: number): string {
  const depth = r.int(100, maxDepth);
  const [open, close] = r.pick([['[', ']'], ['{"a":', '}'], ['[{"x":', '}]']] as const);
  return open.repeat(depth) + '1' + close.repeat(depth);
}

/** JSON text of `value`, with every DEEP marker replaced by a nested value of up to `maxDepth` levels. */
export function raw(r: Rng, value: unknown, maxDepth = 5_000): string {
  return JSON.stringify(value).replaceAll(JSON.stringify(DEEP), () => deepJson(r, maxDepth));
}

/** A number, string, array or object of the kinds that break naive parsing and validation. */
export function hostileValue(r: Rng, t: Targets): unknown {
  return r.weighted<() => unknown>([
    [() => null, 2], [() => r.chance(0.5), 1], [() => 0, 1], [() => -1, 1], [() => 1.5, 1], [() => -0.0001, 1],
    [() => 2 ** 31, 1], [() => 2 ** 53 + 2, 1], [() => 9.3e18, 1], [() => 1e308, 1], [() => Number.MIN_VALUE, 1],
    [() => '', 2], [() => '1', 1], [() => ' 1 ', 1], [() => '1e3', 1], [() => '0x10', 1], [() => '-0', 1], [() => 'NaN', 1],
    [() => r.text(40), 4], [() => r.text(4).repeat(r.int(1_000, 20_000)), 1],
    [() => [], 1], [() => [id(r, t), id(r, t)], 1], [() => ({}), 1], [() => JSON.parse('{"__proto__":{"is_admin":true},"constructor":{"prototype":{"polluted":1}}}'), 1],
    [() => DEEP, 1], [() => Array.from({ length: r.int(100, 5_000) }, () => r.int(0, 99)), 1],
  ])();
}

/** An id: usually one of the fuzz's own, else an edge case; never a protected one. */
export function id(r: Rng, t: Targets, pool: number[] = t.userIds): unknown {
  if (pool.length && r.chance(0.5)) return r.pick(pool);
  const small = () => { for (;;) { const n = r.int(1, 60); if (!t.protectedIds.has(n)) return n; } };
  return r.weighted<() => unknown>([
    [small, 4], [() => 0, 1], [() => -1, 1], [() => 2 ** 31, 1], [() => 2 ** 53 + 1, 1], [() => 1e21, 1],
    [() => String(r.pick(pool.length ? pool : [1])), 1], [() => 'abc', 1], [() => '1 OR 1=1', 1], [() => null, 1], [() => [1], 1], [() => ({}), 1],
  ])();
}

/** A token for a request: a live one of a fuzz user, a replayed dead one, junk, or none. */
export function token(r: Rng, t: Targets): string | undefined {
  return r.weighted<() => string | undefined>([
    [() => (t.liveTokens.length ? r.pick(t.liveTokens) : undefined), 6],
    [() => (t.adminTokens.length ? r.pick(t.adminTokens) : undefined), 2],
    [() => (t.deadTokens.length ? r.pick(t.deadTokens) : undefined), 2],
    [() => undefined, 1], [() => '', 1], [() => r.ascii(64), 1], [() => 'x'.repeat(r.int(500, 6_000)), 1],
    [() => (t.liveTokens.length ? r.pick(t.liveTokens).slice(0, -1) + 'A' : 'A'), 1],
  ])();
}

/** Some keys of `params` replaced, removed or added, the rest kept. */
export function mutateParams(r: Rng, t: Targets, params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...params };
  for (const key of Object.keys(out)) {
    if (r.chance(0.25)) out[key] = hostileValue(r, t);
    else if (r.chance(0.1)) delete out[key];
  }
  if (r.chance(0.2)) {
    // defineProperty: a plain assignment to "__proto__" would set the prototype instead of adding the key.
    const key = r.pick(['actor', 'credential', 'user_id', 'is_admin', '__proto__', 'constructor', r.ascii(12)]);
    Object.defineProperty(out, key, { value: hostileValue(r, t), enumerable: true, writable: true, configurable: true });
  }
  return out;
}
