import { join } from 'node:path';
import { createServices, type Services } from '../core/services.js';
import { ONLINE_SAMPLE_MS } from '../core/signins/service.js';
import { systemClock, type BlobStore, type Store, type Thumbnailer } from '../core/ports.js';
import type { Bus, Unsubscribe } from '../shared/bus/bus.js';
import type { Cache } from '../shared/cache/cache.js';
import type { Config } from '../shared/config.js';
import type { Logger } from '../shared/log.js';
import { CENTRAL_QUEUE, SUBJECTS } from '../shared/subjects.js';
import { INTERNAL } from '../shared/protocol/api.js';
import { AppError } from '../shared/errors.js';
import { BusEventSink } from './events.js';
import { PRESENCE_TTL_MS } from '../core/presence/service.js';
import { rpcHandlers, type RpcRequest } from './rpc/handlers.js';
import { SqliteStore } from './store/sqlite/index.js';
import { DiskBlobStore } from './files/disk-blobs.js';
import { showInitialPassword } from './initial-password.js';
import { loadMasterKeys } from './at-rest/master-keys.js';
import { Keyring } from './at-rest/keyring.js';
import { sealedStore } from './at-rest/sealed-store.js';
import { BlobSealer } from './at-rest/blob-sealer.js';

export async function openStore(config: Config): Promise<Store> {
  if (config.store.kind === 'sqlite') return new SqliteStore(join(config.dataDir, 'switchboard.db'), { synchronous: config.store.synchronous });
  if (config.store.kind === 'mysql') {
    const { MysqlStore } = await import('./store/mysql/index.js');
    return MysqlStore.open({ url: config.store.url, poolSize: config.store.poolSize, ssl: config.store.ssl ?? null });
  }
  throw new Error(`unknown store kind ${(config.store as { kind: string }).kind}`);
}

/** The file origin: a directory (shared by central processes), or an S3-compatible bucket checked at start. */
export async function openBlobs(config: Config, sealer: BlobSealer | null = null): Promise<BlobStore> {
  const origin = config.files.origin;
  if (origin.kind === 'disk') return new DiskBlobStore(config.files.originDir ?? join(config.dataDir, 'files'), sealer);
  if (origin.kind === 's3') {
    const { S3BlobStore } = await import('./files/s3-blobs.js');
    return S3BlobStore.open(origin, sealer);
  }
  throw new Error(`unknown files.origin kind ${(origin as { kind: string }).kind}`);
}

/** How many sends a msg.sendMany carries (its handler checks the shape). */
function batchSize(payload: RpcRequest | undefined): number {
  const items = (payload?.params as { items?: unknown } | undefined)?.items;
  return Array.isArray(items) ? Math.max(1, items.length) : 1;
}

/** How long after its start a central holds events for people not yet located (see BusEventSink). */
export const ROUTE_WARMUP_MS = 3_000;

// Presence reports also route events: refusing one would leave people without pushes until the next heartbeat.
const UNMETERED = new Set<string>([INTERNAL.resolve, INTERNAL.ping, INTERNAL.presenceReport]);

export interface CentralNode {
  services: Services;
  store: Store;
  stop(): Promise<void>;
}

/** Central: the store, the domain services, and their exposure over the bus. */
export async function startCentral(opts: { config: Config; bus: Bus; cache: Cache; log: Logger; store?: Store; thumbnailer?: Thumbnailer | null }): Promise<CentralNode> {
  const { config, bus, cache, log } = opts;
  // Before anything opens: a missing master key then leaves nothing to close.
  const masters = config.atRest.enabled ? loadMasterKeys(config, log) : null;
  let ring: Keyring | null = null;
  // The files key is a data key in the store, opened next; nothing is read or written before that.
  const sealer = masters ? new BlobSealer(async () => (await ring!.newest('f', 0)).key) : null;
  const blobs = await openBlobs(config, sealer); // first: a bad origin setting then leaves no store open
  const raw = opts.store ?? await openStore(config);
  if (masters) ring = new Keyring(raw.keys, masters);
  const store = ring ? sealedStore(raw, ring) : raw;
  // Relays connected before this central started re-announce within milliseconds of its start; events for
  // them wait that long rather than go nowhere. In-process, no relay can be there first.
  const events = new BusEventSink(bus, {
    routeTtlMs: PRESENCE_TTL_MS,
    warmupMs: config.bus.kind === 'memory' ? 0 : ROUTE_WARMUP_MS,
    checkEvents: config.logLevel === 'debug' || config.logLevel === 'trace',
  });
  const services = createServices({ store, blobs, cache, events, clock: systemClock, config, thumbnailer: opts.thumbnailer ?? null });

  const boot = await services.admin.ensureInitialAdmin(config.admin.account, config.admin.password).catch(async (e: unknown) => {
    if (!opts.store) await store.close();
    if (e instanceof AppError && e.code === 'SB_VALIDATION') {
      throw new Error(`admin.password (SWITCHBOARD_ADMIN_PASSWORD) is ${e.message.replace(/^password: /, '')}. Choose a longer, uncommon one, or unset it to have one generated`);
    }
    throw e;
  });
  if (boot.created) {
    log.info({ account: config.admin.account }, 'created the initial administrator');
    // Shown once, on the first start only, never logged; it is stored hashed.
    if (boot.password) showInitialPassword({ account: config.admin.account, password: boot.password, dataDir: config.dataDir, port: config.port });
  }

  // The directory (and its search index) loads in the background, not on the first request.
  services.directory.current().catch((e: unknown) => log.error({ err: e }, 'directory load failed'));
  // Text messages stored before the search index (or while its writes failed) are indexed in the background.
  services.search.backfill()
    .then((r) => { if (r.indexed) log.info({ indexed: r.indexed }, 'search backfill done'); })
    .catch((e: unknown) => log.error({ err: e }, 'search backfill failed'));

  const handlers = rpcHandlers(services);
  // Per-operation latency and request ids at debug level; checked once, since the hot path runs this per request.
  const debug = log.isLevelEnabled('debug');
  let inFlight = 0;
  const prefix = SUBJECTS.rpc('');
  const unserve: Unsubscribe = bus.serve(SUBJECTS.rpcWildcard, async (payload: RpcRequest, subject: string) => {
    const method = subject.slice(prefix.length) as keyof typeof handlers;
    const handler = handlers[method];
    if (!handler) throw new AppError('SB_UNKNOWN_TYPE', `Unknown method ${method}`);
    // Admission control: past its capacity a central says so at once, rather than queueing requests until
    // they time out at the relay (work done for nobody). Token checks and pings are cheap and always served.
    const admitted = !UNMETERED.has(method);
    // A batch of sends weighs what its sends weigh.
    const weight = !admitted ? 0 : method === INTERNAL.sendMany ? batchSize(payload) : 1;
    if (admitted && inFlight + weight > Math.max(config.limits.centralInFlight, weight)) throw new AppError('SB_BUSY');
    inFlight += weight;
    const started = performance.now();
    const requestId = payload?.request_id;
    try {
      const result = await handler(payload ?? {});
      if (debug) log.debug({ method, request_id: requestId, ms: Math.round((performance.now() - started) * 100) / 100 }, 'rpc');
      return result;
    } catch (e) {
      if (!(e instanceof AppError)) log.error({ err: e, method, request_id: requestId }, 'rpc failed');
      else if (debug) log.debug({ method, request_id: requestId, ms: Math.round((performance.now() - started) * 100) / 100, code: e.code }, 'rpc refused');
      throw e;
    } finally {
      inFlight -= weight;
    }
  }, { queue: CENTRAL_QUEUE });
  events.start();
  // The online count's history: every central samples, the store keeps one row per instant.
  const sampler = setInterval(() => {
    services.signins.sampleOnline().catch((e: unknown) => log.warn({ err: e }, 'online sample failed; the next interval tries again'));
  }, ONLINE_SAMPLE_MS);
  sampler.unref();

  // Broadcasts whose fan-out a stop or crash interrupted go on from their cursor.
  services.broadcasts.resume().catch((e: unknown) => log.error({ err: e }, 'resuming broadcasts failed'));

  log.info({ store: store.kind }, 'central ready');
  let stopped = false;
  return {
    services, store,
    async stop() {
      if (stopped) return;
      stopped = true;
      unserve();
      clearInterval(sampler);
      services.broadcasts.stop();
      events.stop();
      await services.search.settled(); // the index writes of the last sends, before the store closes
      await store.close();
    },
  };
}
