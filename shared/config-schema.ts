/**
 * The configuration's shape, checked at start: unknown keys, wrong types and bad values each give one line
 * naming the key. To add a key, add it here and to config/default.json (and the Config type in config.ts).
 */

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export type Rule =
  | { type: 'string'; nullable?: boolean; oneOf?: readonly string[]; nonEmpty?: boolean }
  | { type: 'int'; nullable?: boolean; min?: number; max?: number }
  | { type: 'number'; nullable?: boolean; min?: number; max?: number }
  | { type: 'boolean'; nullable?: boolean }
  | { type: 'strings'; nullable?: boolean }
  | { type: 'object'; nullable?: boolean; fields: Schema }
  /** An object whose `kind` picks its fields. */
  | { type: 'kinds'; nullable?: boolean; kinds: Record<string, Schema> };

export type Schema = Record<string, Rule & { optional?: boolean }>;

const str = (more: Partial<Extract<Rule, { type: 'string' }>> = {}): Rule => ({ type: 'string', ...more });
const int = (min = 0, max = Number.MAX_SAFE_INTEGER): Rule => ({ type: 'int', min, max });
const opt = <R extends Rule>(r: R): R & { optional: true } => ({ ...r, optional: true });

const tlsFiles: Rule = {
  type: 'object', nullable: true,
  fields: { caFile: opt(str()), certFile: opt(str()), keyFile: opt(str()), rejectUnauthorized: opt({ type: 'boolean' }) },
};

export const CONFIG_SCHEMA: Schema = {
  role: str({ oneOf: ['all-in-one', 'central', 'relay'] }),
  host: str({ nonEmpty: true }),
  port: int(0, 65535),
  dataDir: str({ nonEmpty: true }),
  publicUrl: str(),
  tls: { type: 'object', nullable: true, fields: { certFile: str(), keyFile: str(), passphrase: opt(str()) } },
  store: {
    type: 'kinds', kinds: {
      sqlite: { synchronous: str({ oneOf: ['FULL', 'NORMAL'] }) },
      mysql: { url: str({ nonEmpty: true }), poolSize: opt(int(1, 1000)), ssl: opt(tlsFiles) },
    },
  },
  bus: {
    type: 'kinds', kinds: {
      memory: {},
      nats: { servers: { type: 'strings' }, requestTimeoutMs: opt(int(1)), tls: opt(tlsFiles), nkeySeedFile: opt(str({ nullable: true, nonEmpty: true })) },
    },
  },
  cache: {
    type: 'kinds', kinds: {
      memory: {},
      redis: { url: str({ nonEmpty: true }), cluster: opt({ type: 'boolean' }), keyPrefix: opt(str()), tls: opt(tlsFiles) },
    },
  },
  admin: { type: 'object', fields: { account: str({ nonEmpty: true }), password: str({ nullable: true }) } },
  sessions: { type: 'object', fields: { ttlHours: { type: 'number', min: 0 } } },
  limits: {
    type: 'object', fields: {
      maxFrameBytes: int(1), maxBodyBytes: int(1), framesPerSecond: int(1), frameBurst: int(1), sendsPerUserPer10s: int(1),
      loginAttemptsPerMinute: int(1), maxTextChars: int(1), maxGroupMembers: int(2), centralInFlight: int(1),
      loginFailuresPerIpPerMinute: int(1), loginFailuresPerMinute: int(1), mentionAllLargeGroup: int(2), mentionAllPerHour: int(1), sharedReadCursors: int(2),
    },
  },
  files: {
    type: 'object', fields: {
      maxBytes: int(1),
      blockedExtensions: { type: 'strings' },
      origin: {
        type: 'kinds', kinds: {
          disk: {},
          s3: {
            endpoint: str({ nonEmpty: true }), bucket: str({ nonEmpty: true }), region: str(), accessKeyId: str(),
            secretAccessKey: str({ nullable: true }), prefix: opt(str()), forcePathStyle: opt({ type: 'boolean' }), requestTimeoutMs: opt(int(1)),
          },
        },
      },
      originDir: str({ nullable: true }),
      relayCacheDir: str({ nullable: true }),
      relayCacheMaxBytes: int(0),
    },
  },
  atRest: { type: 'object', fields: { enabled: { type: 'boolean' }, masterKey: str({ nullable: true, nonEmpty: true }), masterKeyFile: str({ nullable: true, nonEmpty: true }) } },
  relay: { type: 'object', fields: { id: str({ nullable: true, nonEmpty: true }) } },
  branding: { type: 'object', fields: { productName: str(), themeColor: str(), logoUrl: str({ nullable: true }), serverUrl: str({ nullable: true }) } },
  logLevel: str({ oneOf: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] }),
};

const show = (v: unknown): string => (v === undefined ? 'nothing' : JSON.stringify(v));

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every problem in `value` against `schema`, one line each, keys spelled as paths ("limits.maxFrameBytes"). */
export function validate(value: unknown, schema: Schema, path: string): string[] {
  if (!isObject(value)) return [`${path || 'configuration'}: expected an object, got ${show(value)}`];
  const at = (k: string) => (path ? `${path}.${k}` : k);
  const problems: string[] = [];
  for (const k of Object.keys(value)) {
    if (!(k in schema)) problems.push(`${at(k)}: unknown key (known: ${Object.keys(schema).join(', ') || 'none'})`);
  }
  for (const [k, rule] of Object.entries(schema)) {
    const v = value[k];
    if (v === undefined) {
      if (!rule.optional) problems.push(`${at(k)}: missing`);
      continue;
    }
    problems.push(...check(v, rule, at(k)));
  }
  return problems;
}

function check(v: unknown, rule: Rule, path: string): string[] {
  if (v === null) return rule.nullable ? [] : [`${path}: must not be null`];
  switch (rule.type) {
    case 'string':
      if (typeof v !== 'string') return [`${path}: expected a string, got ${show(v)}`];
      if (rule.nonEmpty && v === '') return [`${path}: must not be empty`];
      if (rule.oneOf && !rule.oneOf.includes(v)) return [`${path}: expected one of ${rule.oneOf.join(', ')}, got ${show(v)}`];
      return [];
    case 'int':
      if (typeof v !== 'number' || !Number.isInteger(v)) return [`${path}: expected a whole number, got ${show(v)}`];
      if (v < (rule.min ?? -Infinity) || v > (rule.max ?? Infinity)) return [`${path}: expected ${rule.min ?? '…'} to ${rule.max ?? '…'}, got ${v}`];
      return [];
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v)) return [`${path}: expected a number, got ${show(v)}`];
      if (v < (rule.min ?? -Infinity) || v > (rule.max ?? Infinity)) return [`${path}: expected ${rule.min ?? '…'} to ${rule.max ?? '…'}, got ${v}`];
      return [];
    case 'boolean':
      return typeof v === 'boolean' ? [] : [`${path}: expected true or false, got ${show(v)}`];
    case 'strings':
      return Array.isArray(v) && v.every((s) => typeof s === 'string') ? [] : [`${path}: expected a list of strings, got ${show(v)}`];
    case 'object':
      return validate(v, rule.fields, path);
    case 'kinds': {
      if (!isObject(v)) return [`${path}: expected an object, got ${show(v)}`];
      const kind = v.kind;
      const fields = typeof kind === 'string' ? rule.kinds[kind] : undefined;
      if (!fields) return [`${path}.kind: expected one of ${Object.keys(rule.kinds).join(', ')}, got ${show(kind)}`];
      return validate(v, { kind: { type: 'string' }, ...fields }, path);
    }
  }
}
