import { AppError } from '../shared/errors.js';

/** Small input checks that throw SB_VALIDATION with the field name in details. */
function fail(field: string, why: string): never {
  throw new AppError('SB_VALIDATION', `${field}: ${why}`, { field, why });
}

export function obj(v: unknown, field = 'params'): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(field, 'must be an object');
  return v as Record<string, unknown>;
}

export function str(v: unknown, field: string, opts: { min?: number; max: number; pattern?: RegExp }): string {
  if (typeof v !== 'string') fail(field, 'must be a string');
  const s = v as string;
  if (s.length < (opts.min ?? 1)) fail(field, `must have at least ${opts.min ?? 1} characters`);
  if (s.length > opts.max) fail(field, `must have at most ${opts.max} characters`);
  if (opts.pattern && !opts.pattern.test(s)) fail(field, 'has an invalid format');
  return s;
}

export function optStr(v: unknown, field: string, opts: { min?: number; max: number; pattern?: RegExp }): string | undefined {
  return v === undefined || v === null ? undefined : str(v, field, opts);
}

export function int(v: unknown, field: string, opts: { min?: number; max?: number } = {}): number {
  const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) fail(field, 'must be an integer');
  if (opts.min !== undefined && (n as number) < opts.min) fail(field, `must be at least ${opts.min}`);
  if (opts.max !== undefined && (n as number) > opts.max) fail(field, `must be at most ${opts.max}`);
  return n as number;
}

export function optInt(v: unknown, field: string, opts: { min?: number; max?: number } = {}): number | undefined {
  return v === undefined || v === null || v === '' ? undefined : int(v, field, opts);
}

export function bool(v: unknown, field: string): boolean {
  if (typeof v !== 'boolean') fail(field, 'must be true or false');
  return v as boolean;
}

export function intList(v: unknown, field: string, opts: { min?: number; max: number }): number[] {
  if (!Array.isArray(v)) fail(field, 'must be a list');
  const list = v as unknown[];
  if (list.length < (opts.min ?? 0)) fail(field, `must have at least ${opts.min} entries`);
  if (list.length > opts.max) fail(field, `must have at most ${opts.max} entries`);
  return [...new Set(list.map((x, i) => int(x, `${field}[${i}]`, { min: 1 })))];
}

export function oneOf<T extends string>(v: unknown, field: string, values: readonly T[]): T {
  if (typeof v !== 'string' || !values.includes(v as T)) fail(field, `must be one of ${values.join(', ')}`);
  return v as T;
}

/** Client message ids: 1-64 URL-safe characters (UUIDs fit). */
export const CMID = /^[A-Za-z0-9_.:-]{1,64}$/;
/** Accounts: letters, digits and . _ - @, as enterprise directories use. */
export const ACCOUNT = /^[A-Za-z0-9._@-]{2,64}$/;
