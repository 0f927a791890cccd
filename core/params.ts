import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { AppError } from '../shared/errors.js';

/** A JSON Schema as this module reads it. */
interface Schema {
  type?: string;
  anyOf?: Schema[];
  const?: unknown;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
}

const compiled = new WeakMap<TSchema, TypeCheck<TSchema>>();

/**
 * Checks params against an operation's schema and returns them typed, or throws SB_VALIDATION naming the
 * first bad field (`details.field`, as the services' own checks do). The compiled check runs first; only
 * input that fails it is converted (strings from a path or query string) and checked again, so well-typed
 * input, the hot path, costs one compiled check.
 */
export function checkParams<T>(schema: TSchema, value: unknown): T {
  let check = compiled.get(schema);
  if (!check) compiled.set(schema, (check = TypeCompiler.Compile(schema)));
  if (check.Check(value)) return value as T;
  const converted = coerce(schema as Schema, value ?? {});
  if (check.Check(converted)) return converted as T;
  const first = check.Errors(converted).First();
  const leaf = first ? innermost(first) : undefined;
  const field = leaf ? fieldOf(leaf.path) : 'params';
  const why = leaf ? describe(leaf) : 'is invalid';
  throw new AppError('SB_VALIDATION', `${field}: ${why}`, { field, why });
}

const accepts = (s: Schema, type: string): boolean => s.type === type || (s.anyOf ?? []).some((x) => x.type === type);

/**
 * HTTP gives path and query parameters as text: digits become integers, "true"/"false" booleans, a comma list
 * a list, and an empty or null optional value is left out. Narrower than TypeBox's Value.Convert on purpose:
 * that also turns numbers into strings and 0/1 into booleans, which would accept JSON the API refuses.
 */
function coerce(s: Schema, v: unknown): unknown {
  if (typeof v === 'string') {
    if (accepts(s, 'integer') && /^-?\d+$/.test(v)) return Number(v);
    if (accepts(s, 'boolean') && (v === 'true' || v === 'false')) return v === 'true';
    if (v === '' && accepts(s, 'null')) return null;
    if (s.type === 'array' && s.items) return v.split(',').filter(Boolean).map((x) => coerce(s.items!, x));
    return v;
  }
  if (Array.isArray(v)) return s.type === 'array' && s.items ? v.map((x) => coerce(s.items!, x)) : v;
  if (typeof v !== 'object' || v === null || s.type !== 'object' || !s.properties) return v;
  const out: Record<string, unknown> = { ...(v as Record<string, unknown>) };
  for (const [key, prop] of Object.entries(s.properties)) {
    if (!(key in out)) continue;
    const absent = out[key] === null || (out[key] === '' && (accepts(prop, 'integer') || accepts(prop, 'array')));
    if (absent && !accepts(prop, 'null') && !(s.required ?? []).includes(key)) delete out[key];
    else out[key] = coerce(prop, out[key]);
  }
  return out;
}

/** For a union of shapes (not of strings, not a nullable value): the error of the shape meant, which names the deeper field. Each error's iterators are read once. */
function innermost(e: ValueError): ValueError {
  const options = (e.schema as Schema).anyOf ?? [];
  if (e.type !== ValueErrorType.Union || options.every((o) => 'const' in o) || options.some((o) => o.type === 'null')) return e;
  // Prefer the shape the value was meant to have: the one not missing a property.
  const subs = e.errors.map((it) => it.First()).filter((x): x is ValueError => x !== undefined);
  const sub = subs.find((x) => x.type !== ValueErrorType.ObjectRequiredProperty) ?? subs[0];
  return sub ? innermost(sub) : e;
}

/** "/body/text" → "body.text", "/member_ids/0" → "member_ids[0]". */
function fieldOf(path: string): string {
  if (path === '') return 'params';
  return path.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((out, part) => (/^\d+$/.test(part) ? `${out}[${part}]` : out ? `${out}.${part}` : part), '');
}

/** The phrases core/validate.ts uses, so a refusal reads the same whichever check made it. */
function describe(e: ValueError): string {
  const s = e.schema as Schema;
  switch (e.type) {
    case ValueErrorType.ObjectRequiredProperty: return 'is required';
    case ValueErrorType.Object: return 'must be an object';
    case ValueErrorType.String: return 'must be a string';
    case ValueErrorType.StringMinLength: return `must have at least ${s.minLength} characters`;
    case ValueErrorType.StringMaxLength: return `must have at most ${s.maxLength} characters`;
    case ValueErrorType.StringPattern: return 'has an invalid format';
    case ValueErrorType.Integer: return 'must be an integer';
    case ValueErrorType.Number: return 'must be a number';
    case ValueErrorType.IntegerMinimum: case ValueErrorType.NumberMinimum: return `must be at least ${s.minimum}`;
    case ValueErrorType.IntegerMaximum: case ValueErrorType.NumberMaximum: return `must be at most ${s.maximum}`;
    case ValueErrorType.Boolean: return 'must be true or false';
    case ValueErrorType.Array: return 'must be a list';
    case ValueErrorType.ArrayMinItems: return `must have at least ${s.minItems} entries`;
    case ValueErrorType.ArrayMaxItems: return `must have at most ${s.maxItems} entries`;
    case ValueErrorType.Literal: return `must be ${JSON.stringify(s.const)}`;
    case ValueErrorType.Union: {
      const options = s.anyOf ?? [];
      if (options.length && options.every((o) => 'const' in o)) return `must be one of ${options.map((o) => String(o.const)).join(', ')}`;
      const nullable = options.some((o) => o.type === 'null');
      if (!nullable) return 'has an invalid value';
      // A nullable value: say what the non-null form wants.
      const sub = e.errors[options.findIndex((o) => o.type !== 'null')]?.First();
      return sub ? `${describe(sub)} (or null)` : 'has an invalid value';
    }
    default: return e.message.replace(/^Expected/, 'must be').toLowerCase();
  }
}
