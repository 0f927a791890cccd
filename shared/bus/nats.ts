import { readFileSync } from 'node:fs';
import { connect, headers, JSONCodec, nkeyAuthenticator, nkeys, type Msg, type MsgHdrs, type NatsConnection, type Subscription, ErrorCode as NatsErrorCode, NatsError } from 'nats';
import { AppError, toErrorBody, type ErrorBody } from '../errors.js';
import type { Bus, Reply, RequestOptions, Unsubscribe } from './bus.js';
import { isInbox } from '../subjects.js';

const codec = JSONCodec<unknown>();
const utf8 = new TextEncoder();

/**
 * Publishes to one subject in the same event-loop turn travel as one NATS
 * message: a JSON array marked by this header, unpacked by `subscribe`. Each
 * subscriber then parses one message per burst instead of one per event.
 */
const BATCH_HEADER = 'Sb-Batch';
/** Well under NATS's default 1 MB max_payload. */
const MAX_BATCH_CHARS = 256 * 1024;

/** An NKey user seed from a file (`switchboard bus credentials` writes one): the `SU…` line, comments allowed. */
function readSeed(file: string): Uint8Array {
  const line = readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).find((l) => l.startsWith('SU'));
  if (!line) throw new Error(`${file}: no NKey user seed (a line starting with SU)`);
  const seed = utf8.encode(line);
  nkeys.fromSeed(seed); // throws on a damaged seed
  return seed;
}

type Outgoing = (() => void) | { subject: string; json: string };

/**
 * Bus over NATS core: request/reply with queue groups for central, plain
 * subjects for event fan-out. Reconnects forever; while the link is down,
 * requests fail fast with SB_CENTRAL_UNAVAILABLE instead of hanging.
 */
export class NatsBus implements Bus {
  private up = true;
  private listeners = new Set<(connected: boolean) => void>();
  /** Requests waiting for a reply; failed at once when the link drops (their replies could not arrive). */
  private pending = new Set<(e: AppError) => void>();
  /**
   * Outgoing requests, replies and publishes wait for the end of this turn of
   * the event loop and then leave together: a burst costs one socket write
   * instead of one per message (a write is the largest part of a small message's cost).
   */
  private outgoing: Outgoing[] = [];
  private readonly batchHeaders: MsgHdrs = headers();

  private constructor(
    private readonly nc: NatsConnection,
    private readonly requestTimeoutMs: number,
    private readonly onHandlerError: (error: unknown, subject: string) => void,
  ) {
    this.batchHeaders.set(BATCH_HEADER, '1');
    void this.watch();
  }

  static async connect(servers: string[], opts: {
    requestTimeoutMs?: number; name?: string; tls?: { caFile?: string; certFile?: string; keyFile?: string } | null;
    /** A subscriber's handler threw, or the server refused a subscription: reported here, never into the NATS client (that would drop the connection). */
    onHandlerError?: (error: unknown, subject: string) => void;
    /** The file holding this process's NKey user seed (`SU…`): the server knows it by the public key and grants its permissions. */
    nkeySeedFile?: string | null;
    /** Reply subjects start here (a relay: SUBJECTS.relayInbox(id), the only inbox its identity may subscribe to). */
    inboxPrefix?: string;
  } = {}): Promise<NatsBus> {
    // tls: {} requires TLS verified against the system CAs; caFile / certFile + keyFile as given.
    const tls = opts.tls ? { ...(opts.tls.caFile ? { caFile: opts.tls.caFile } : {}), ...(opts.tls.certFile ? { certFile: opts.tls.certFile } : {}), ...(opts.tls.keyFile ? { keyFile: opts.tls.keyFile } : {}) } : undefined;
    // Read once at start: a missing or malformed seed stops the process here, not at the first reconnect.
    const seed = opts.nkeySeedFile ? readSeed(opts.nkeySeedFile) : null;
    const nc = await connect({
      servers, name: opts.name ?? 'switchboard', maxReconnectAttempts: -1, reconnectTimeWait: 250, ...(tls ? { tls } : {}),
      ...(seed ? { authenticator: nkeyAuthenticator(seed) } : {}),
      ...(opts.inboxPrefix ? { inboxPrefix: opts.inboxPrefix } : {}),
      pingInterval: 5_000, maxPingOut: 2, waitOnFirstConnect: true,
      // No stack captured per request: errors are mapped to coded errors below anyway.
      noAsyncTraces: true,
    });
    return new NatsBus(nc, opts.requestTimeoutMs ?? 5_000, opts.onHandlerError ?? ((e) => process.emitWarning(e instanceof Error ? e : String(e))));
  }

  private send(op: Outgoing): void {
    this.outgoing.push(op);
    if (this.outgoing.length === 1) setImmediate(() => this.flushOutgoing());
  }

  /** In order; a run of publishes to one subject becomes one batch. */
  private flushOutgoing(): void {
    const ops = this.outgoing;
    this.outgoing = [];
    for (let i = 0; i < ops.length;) {
      const op = ops[i++]!;
      if (typeof op === 'function') { this.attempt(op); continue; }
      const run = [op.json];
      let size = op.json.length;
      for (let next = ops[i]; next && typeof next !== 'function' && next.subject === op.subject && size + next.json.length <= MAX_BATCH_CHARS; next = ops[++i]) {
        run.push(next.json);
        size += next.json.length;
      }
      this.attempt(() => (run.length === 1
        ? this.nc.publish(op.subject, utf8.encode(run[0]!))
        : this.nc.publish(op.subject, utf8.encode(`[${run.join(',')}]`), { headers: this.batchHeaders })));
    }
  }

  /** A write that fails because the connection closed meanwhile: a request times out or fails over, a reply is retried by its requester. */
  private attempt(write: () => void): void {
    try { write(); } catch { /* see above */ }
  }

  private async watch(): Promise<void> {
    for await (const s of this.nc.status()) {
      if (s.type === 'disconnect' || s.type === 'staleConnection') this.setUp(false);
      else if (s.type === 'reconnect') this.setUp(true);
    }
  }

  private setUp(up: boolean): void {
    if (this.up === up) return;
    this.up = up;
    if (!up) {
      // Callers retry (sends carry their cmid), so failing now beats waiting out the timeout.
      const waiting = [...this.pending];
      this.pending.clear();
      for (const fail of waiting) fail(new AppError('SB_CENTRAL_UNAVAILABLE', 'bus link lost'));
    }
    for (const l of this.listeners) l(up);
  }

  async request<T>(subject: string, payload: unknown, opts?: RequestOptions): Promise<T> {
    // While the link is down a request would only sit in the client's buffer: fail fast instead.
    if (this.nc.isClosed() || !this.up) throw new AppError('SB_CENTRAL_UNAVAILABLE');
    let msg;
    let fail: ((e: AppError) => void) | undefined;
    try {
      const dropped = new Promise<never>((_, reject) => { fail = reject; this.pending.add(reject); });
      const data = codec.encode(payload ?? null);
      const replied = new Promise<Msg>((resolve, reject) => this.send(() => {
        try {
          this.nc.request(subject, data, { timeout: opts?.timeoutMs ?? this.requestTimeoutMs, noMux: false }).then(resolve, reject);
        } catch (e) {
          reject(e);
        }
      }));
      msg = await Promise.race([replied, dropped]);
    } catch (e) {
      if (e instanceof AppError) throw e;
      if (e instanceof NatsError && (e.code === NatsErrorCode.NoResponders || e.code === NatsErrorCode.Timeout || e.code === NatsErrorCode.Disconnect)) {
        throw new AppError('SB_CENTRAL_UNAVAILABLE');
      }
      throw new AppError('SB_CENTRAL_UNAVAILABLE', (e as Error).message);
    } finally {
      if (fail) this.pending.delete(fail);
    }
    const reply = codec.decode(msg.data) as Reply;
    if (!reply.ok) throw AppError.fromBody(reply.error as ErrorBody);
    return reply.result as T;
  }

  serve(subject: string, handler: (payload: any, subject: string) => Promise<unknown>, opts?: { queue?: string }): Unsubscribe {
    const sub: Subscription = this.nc.subscribe(subject, {
      queue: opts?.queue,
      callback: (err, msg) => {
        if (err) { this.onHandlerError(err, subject); return; }
        // Not handled at all: a reply that must not be sent, for a request nobody could hear the answer to.
        if (msg.reply && !isInbox(msg.reply)) { this.onHandlerError(new Error(`refused a request whose reply subject is not an inbox: ${msg.reply}`), msg.subject); return; }
        void (async () => {
          let reply: Reply;
          try {
            reply = { ok: true, result: (await handler(codec.decode(msg.data), msg.subject)) ?? null };
          } catch (e) {
            reply = { ok: false, error: toErrorBody(e) };
          }
          if (msg.reply) {
            const data = codec.encode(reply);
            this.send(() => msg.respond(data));
          }
        })();
      },
    });
    return () => sub.unsubscribe();
  }

  publish(subject: string, payload: unknown): void {
    if (this.nc.isClosed()) return;
    this.send({ subject, json: JSON.stringify(payload ?? null) });
  }

  subscribe(subject: string, handler: (payload: any, subject: string) => void): Unsubscribe {
    const sub = this.nc.subscribe(subject, {
      callback: (err, msg) => {
        // A permissions violation (this identity may not subscribe here) arrives as err; the subscription is over.
        if (err) { this.onHandlerError(err, subject); return; }
        // Each payload on its own: one failing handler must not cost the others of its batch their delivery.
        const items = msg.headers?.has(BATCH_HEADER) ? codec.decode(msg.data) as unknown[] : [codec.decode(msg.data)];
        for (const item of items) {
          try { handler(item, msg.subject); } catch (e) { this.onHandlerError(e, msg.subject); }
        }
      },
    });
    return () => sub.unsubscribe();
  }

  connected(): boolean { return this.up && !this.nc.isClosed(); }

  onStatus(listener: (connected: boolean) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Flushes pending publishes so nothing sent before close is lost. */
  async close(): Promise<void> {
    this.flushOutgoing();
    if (!this.nc.isClosed()) await this.nc.drain().catch(() => this.nc.close());
  }
}
