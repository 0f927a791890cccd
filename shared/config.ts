import { readFileSync, existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { CONFIG_SCHEMA, ConfigError, validate } from './config-schema.js';
import { relayIdFrom } from './subjects.js';

export { CONFIG_SCHEMA, ConfigError } from './config-schema.js';

export type Role = 'all-in-one' | 'central' | 'relay';

/** PEM files for a TLS client hop (MySQL, NATS, Redis): `caFile` verifies the server, cert + key identify this process. */
export interface TlsFiles {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  /** Defaults to true; set false only for testing. */
  rejectUnauthorized?: boolean;
}

/** Central's file origin in an S3-compatible bucket (AWS S3, MinIO, Ceph RGW, …). */
export interface S3Origin {
  kind: 's3';
  /** e.g. "https://s3.eu-central-1.amazonaws.com" or "http://minio.hq:9000" */
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  /** Better given as SWITCHBOARD_S3_SECRET_ACCESS_KEY than written in a file. */
  secretAccessKey: string | null;
  /** Key prefix, e.g. "switchboard/", to share a bucket. */
  prefix?: string;
  /** Default true (endpoint/bucket/key); false addresses bucket.endpoint/key (virtual-host style). */
  forcePathStyle?: boolean;
  /** Per S3 request; default 30000. */
  requestTimeoutMs?: number;
}

export interface Config {
  role: Role;
  host: string;
  port: number;
  dataDir: string;
  publicUrl: string;
  /** PEM files; when set, the relay serves HTTPS and WSS only. */
  tls: { certFile: string; keyFile: string; passphrase?: string } | null;
  /** MySQL: `ssl` turns on TLS to the server (an empty object: TLS verified against the system CAs). */
  store: { kind: 'sqlite'; synchronous: 'FULL' | 'NORMAL' } | { kind: 'mysql'; url: string; poolSize: number; ssl?: TlsFiles | null };
  /**
   * NATS: `tls` (or tls:// servers) encrypts the hop; with certFile + keyFile the process presents a client certificate.
   * `nkeySeedFile`: this process's bus identity (an NKey user seed, `switchboard bus credentials`); the server's
   * permissions for that key decide what it may publish and subscribe. Null: connect without an identity.
   */
  bus: { kind: 'memory' } | { kind: 'nats'; servers: string[]; requestTimeoutMs: number; tls?: TlsFiles | null; nkeySeedFile?: string | null };
  /** Redis: rediss:// URLs use TLS; `tls` adds a CA or client certificate. `cluster`: the URL lists seed nodes, comma-separated. */
  cache: { kind: 'memory' } | { kind: 'redis'; url: string; cluster: boolean; keyPrefix?: string; tls?: TlsFiles | null };
  admin: { account: string; password: string | null };
  sessions: { ttlHours: number };
  limits: {
    maxFrameBytes: number;
    maxBodyBytes: number;
    framesPerSecond: number;
    frameBurst: number;
    sendsPerUserPer10s: number;
    /** Sign-in attempts per account (and password changes per user) per minute. */
    loginAttemptsPerMinute: number;
    /** Failed sign-ins per source address per minute. */
    loginFailuresPerIpPerMinute: number;
    /** Failed sign-ins across all accounts per minute (password spraying). */
    loginFailuresPerMinute: number;
    maxTextChars: number;
    maxGroupMembers: number;
    /** From this many members a group's @所有人 is rate-limited (docs/mentions.md). */
    mentionAllLargeGroup: number;
    /** @所有人 per large group per hour. */
    mentionAllPerHour: number;
    /** Up to this many members everyone's read cursor is shared; past it receipts are counted at central. */
    sharedReadCursors: number;
    /** Requests one central process works on at once; more are refused with SB_BUSY (clients retry). */
    centralInFlight: number;
  };
  files: {
    maxBytes: number;
    blockedExtensions: string[];
    /** Where central keeps the content-addressed origin: a directory (originDir) or an S3-compatible bucket. */
    origin: { kind: 'disk' } | S3Origin;
    /** The origin directory when origin.kind is "disk"; default <dataDir>/files. */
    originDir: string | null;
    /** The relay's local cache; default <dataDir>/relay-cache. */
    relayCacheDir: string | null;
    relayCacheMaxBytes: number;
  };
  /** This relay's id: one NATS subject token; its bus identity's permissions are written for it. Default: host-pid-port. */
  /**
   * Encryption at rest (docs/security.md): `masterKey` (better given as SWITCHBOARD_MASTER_KEY) or `masterKeyFile`
   * hold one or more base64 256-bit keys, the last one current. Neither in the all-in-one: a key file is made in
   * dataDir on first start; a cluster central refuses to start without one. `enabled` false stores plaintext (benchmarks).
   */
  atRest: { enabled: boolean; masterKey: string | null; masterKeyFile: string | null };
  relay: { id: string | null };
  branding: { productName: string; themeColor: string; logoUrl: string | null; serverUrl: string | null };
  logLevel: string;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function merge(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const was = out[k];
    // A new `kind` (sqlite → mysql) replaces the object: the old kind's fields would be unknown keys.
    const sameKind = isObject(v) && isObject(was) && (v.kind === undefined || v.kind === was.kind);
    out[k] = sameKind ? merge(was, v) : v;
  }
  return out;
}

function readJson(path: string): Json {
  return JSON.parse(readFileSync(path, 'utf8')) as Json;
}

/**
 * Configuration: config/default.json, then the file named by SWITCHBOARD_CONFIG
 * (or --config), then environment variables, then explicit overrides.
 */
export function loadConfig(opts: { role?: Role; file?: string; env?: NodeJS.ProcessEnv; overrides?: Json; configDir?: string } = {}): Config {
  const env = opts.env ?? process.env;
  const configDir = opts.configDir ?? resolve(process.cwd(), 'config');
  let cfg = readJson(resolve(configDir, 'default.json'));
  const file = opts.file ?? env.SWITCHBOARD_CONFIG;
  if (file) {
    if (!existsSync(file)) throw new Error(`config file not found: ${file}`);
    cfg = merge(cfg, readJson(file));
  }
  const fromEnv: Json = {};
  const int = (name: string): number => {
    const raw = env[name]!;
    if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${name}=${JSON.stringify(raw)}: expected a whole number`);
    return Number(raw);
  };
  if (env.SWITCHBOARD_PORT) fromEnv.port = int('SWITCHBOARD_PORT');
  if (env.SWITCHBOARD_HOST) fromEnv.host = env.SWITCHBOARD_HOST;
  if (env.SWITCHBOARD_DATA_DIR) fromEnv.dataDir = env.SWITCHBOARD_DATA_DIR;
  if (env.SWITCHBOARD_PUBLIC_URL) fromEnv.publicUrl = env.SWITCHBOARD_PUBLIC_URL;
  if (!!env.SWITCHBOARD_TLS_CERT !== !!env.SWITCHBOARD_TLS_KEY) throw new ConfigError('SWITCHBOARD_TLS_CERT and SWITCHBOARD_TLS_KEY: set both or neither');
  if (env.SWITCHBOARD_TLS_CERT && env.SWITCHBOARD_TLS_KEY) fromEnv.tls = { certFile: env.SWITCHBOARD_TLS_CERT, keyFile: env.SWITCHBOARD_TLS_KEY };
  if (env.SWITCHBOARD_RELAY_ID) fromEnv.relay = { id: env.SWITCHBOARD_RELAY_ID };
  if (env.SWITCHBOARD_LOG_LEVEL) fromEnv.logLevel = env.SWITCHBOARD_LOG_LEVEL;
  if (env.SWITCHBOARD_ADMIN_ACCOUNT || env.SWITCHBOARD_ADMIN_PASSWORD) {
    fromEnv.admin = {
      ...(env.SWITCHBOARD_ADMIN_ACCOUNT ? { account: env.SWITCHBOARD_ADMIN_ACCOUNT } : {}),
      ...(env.SWITCHBOARD_ADMIN_PASSWORD ? { password: env.SWITCHBOARD_ADMIN_PASSWORD } : {}),
    };
  }
  if (env.SWITCHBOARD_MYSQL_URL) fromEnv.store = { kind: 'mysql', url: env.SWITCHBOARD_MYSQL_URL };
  if (env.SWITCHBOARD_NATS_URL || env.SWITCHBOARD_NATS_NKEY_SEED_FILE) {
    fromEnv.bus = {
      ...(env.SWITCHBOARD_NATS_URL ? { kind: 'nats', servers: env.SWITCHBOARD_NATS_URL.split(',') } : {}),
      ...(env.SWITCHBOARD_NATS_NKEY_SEED_FILE ? { nkeySeedFile: env.SWITCHBOARD_NATS_NKEY_SEED_FILE } : {}),
    };
  }
  if (env.SWITCHBOARD_REDIS_URL) fromEnv.cache = { kind: 'redis', url: env.SWITCHBOARD_REDIS_URL };
  if (env.SWITCHBOARD_SQLITE_SYNC) {
    if (!['FULL', 'NORMAL'].includes(env.SWITCHBOARD_SQLITE_SYNC)) throw new ConfigError(`SWITCHBOARD_SQLITE_SYNC=${JSON.stringify(env.SWITCHBOARD_SQLITE_SYNC)}: expected FULL or NORMAL`);
    fromEnv.store = { kind: 'sqlite', synchronous: env.SWITCHBOARD_SQLITE_SYNC };
  }
  if (env.SWITCHBOARD_MASTER_KEY || env.SWITCHBOARD_MASTER_KEY_FILE) {
    fromEnv.atRest = {
      ...(env.SWITCHBOARD_MASTER_KEY ? { masterKey: env.SWITCHBOARD_MASTER_KEY } : {}),
      ...(env.SWITCHBOARD_MASTER_KEY_FILE ? { masterKeyFile: env.SWITCHBOARD_MASTER_KEY_FILE } : {}),
    };
  }
  if (env.SWITCHBOARD_SENDS_PER_USER_PER_10S) fromEnv.limits = { sendsPerUserPer10s: int('SWITCHBOARD_SENDS_PER_USER_PER_10S') };
  cfg = merge(cfg, fromEnv);
  if (opts.overrides) cfg = merge(cfg, opts.overrides);
  if (opts.role) cfg.role = opts.role;
  // The S3 secret applies only to an S3 origin (it may be set on every machine of a fleet).
  const origin = isObject(cfg.files) && isObject(cfg.files.origin) ? cfg.files.origin : null;
  if (env.SWITCHBOARD_S3_SECRET_ACCESS_KEY && origin?.kind === 's3') origin.secretAccessKey = env.SWITCHBOARD_S3_SECRET_ACCESS_KEY;
  const problems = validate(cfg, CONFIG_SCHEMA, '');
  if (problems.length > 0) throw new ConfigError(`invalid configuration${file ? ` (${file})` : ''}:\n  ${problems.join('\n  ')}`);
  const out = cfg as unknown as Config;
  out.dataDir = resolve(out.dataDir);
  return out;
}

/** This relay's id on the bus: `relay.id`, or one made of host, pid and port (unique, but new at every restart). */
export function relayIdOf(config: Pick<Config, 'relay' | 'port'>): string {
  const id = config.relay?.id;
  if (!id) return relayIdFrom(`${hostname()}-${process.pid}-${config.port}`);
  // Refused rather than cleaned up: the bus permissions are written for the exact id.
  if (relayIdFrom(id) !== id) throw new Error(`relay.id must be letters, digits, "_" or "-" (at most 64): ${JSON.stringify(id)}`);
  return id;
}
