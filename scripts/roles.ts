import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startCentral, type CentralNode } from '../central/node.js';
import { startRelay, type RelayNode } from '../relay/server.js';
import type { Bus } from '../shared/bus/bus.js';
import { MemoryBus } from '../shared/bus/memory.js';
import type { Cache } from '../shared/cache/cache.js';
import { MemoryCache } from '../shared/cache/memory.js';
import { relayIdOf, type Config } from '../shared/config.js';
import { SUBJECTS } from '../shared/subjects.js';
import { createLogger, type Logger } from '../shared/log.js';

/**
 * The one place that wires concrete implementations into roles. Central and
 * relay never import each other; all-in-one joins them over an in-process bus.
 */
export function version(): string {
  try {
    return (JSON.parse(readFileSync(resolve(process.cwd(), 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

export async function openBus(config: Config, log: Logger): Promise<Bus> {
  if (config.bus.kind === 'memory') return new MemoryBus();
  const { NatsBus } = await import('../shared/bus/nats.js');
  return NatsBus.connect(config.bus.servers, {
    requestTimeoutMs: config.bus.requestTimeoutMs, tls: config.bus.tls ?? null, nkeySeedFile: config.bus.nkeySeedFile ?? null,
    // A relay's identity may subscribe only below its own inbox prefix (see docs/deploy.md).
    ...(config.role === 'relay' ? { inboxPrefix: SUBJECTS.relayInbox(relayIdOf(config)), name: `switchboard-relay-${relayIdOf(config)}` } : { name: `switchboard-${config.role}` }),
    onHandlerError: (err, subject) => log.error({ err, subject }, 'bus subscriber failed'),
  });
}

export async function openCache(config: Config): Promise<Cache> {
  if (config.cache.kind === 'memory') return new MemoryCache();
  const { RedisCache } = await import('../shared/cache/redis.js');
  return RedisCache.connect(config.cache.url, { cluster: config.cache.cluster, keyPrefix: config.cache.keyPrefix, tls: config.cache.tls ?? null });
}

export interface Running {
  port: number | null;
  central: CentralNode | null;
  relay: RelayNode | null;
  log: Logger;
  stop(): Promise<void>;
}

export async function startRole(config: Config): Promise<Running> {
  const log = createLogger(`switchboard-${config.role}`, config.logLevel);
  const bus = await openBus(config, log);
  const cache = await openCache(config);
  const central = config.role === 'relay' ? null : await startCentral({
    config, bus, cache, log,
    // The image library loads only where central runs.
    thumbnailer: (await import('../central/files/thumbnail.js')).sharpThumbnailer,
  });
  const relay = config.role === 'central' ? null : await startRelay({ config, bus, log, version: version() });
  return {
    port: relay?.port ?? null, central, relay, log,
    async stop() {
      await relay?.stop();
      await central?.stop();
      await bus.close();
      await cache.close();
    },
  };
}
