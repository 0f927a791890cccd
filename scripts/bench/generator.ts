import WebSocket from 'ws';
import { performance } from 'node:perf_hooks';

/**
 * The load generator, run in its own process (forked by a benchmark). It
 * speaks protocol v1 over raw WebSockets, to Switchboard or to the bare
 * baseline relay alike, and reports counts and latencies over IPC.
 */
export interface Pair {
  senderToken: string;
  receiverToken: string;
  convId: number;
  /** Where each side connects, when not the task's url (cluster: different relays). */
  senderUrl?: string;
  receiverUrl?: string;
  /** Latencies are also reported per tag (e.g. same-relay vs cross-relay pairs). */
  tag?: string;
}

export type GeneratorTask =
  | { kind: 'load'; url: string; pairs: Pair[]; mode: 'max'; durationMs: number; window: number }
  | { kind: 'load'; url: string; pairs: Pair[]; mode: 'rate'; durationMs: number; ratePerS: number }
  | { kind: 'idle'; url: string; tokens: string[]; count: number };

export interface LoadResult {
  sent: number;
  acked: number;
  delivered: number;
  lost: number;
  duplicated: number;
  errors: number;
  elapsed_s: number;
  latencies_ms: { p50: number; p90: number; p99: number; max: number };
  by_tag?: Record<string, { n: number; p50: number; p99: number }>;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function openSocket(url: string, token: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`, { perMessageDeflate: false });
    ws.once('error', reject);
    ws.once('open', () => ws.send(JSON.stringify({ t: 'auth', token })));
    const onReady = (data: WebSocket.RawData) => {
      const f = JSON.parse(data.toString()) as { t: string };
      if (f.t === 'ready') { ws.off('message', onReady); resolve(ws); } else reject(new Error(`auth failed: ${data.toString()}`));
    };
    ws.on('message', onReady);
  });
}

async function load(task: Extract<GeneratorTask, { kind: 'load' }>): Promise<LoadResult> {
  const sentAt = new Map<string, number>();
  const acked = new Set<string>();
  const seen = new Map<string, number>();
  const latencies: number[] = [];
  const tagged = new Map<string, number[]>();
  const tagOf = new Map<string, string>();
  let sent = 0;
  let errors = 0;
  let measuring = true;
  const senders: { ws: WebSocket; convId: number; inFlight: number; n: number; idx: number; tag?: string }[] = [];

  for (const [idx, p] of task.pairs.entries()) {
    const receiver = await openSocket(p.receiverUrl ?? task.url, p.receiverToken);
    receiver.on('message', (data) => {
      const f = JSON.parse(data.toString()) as { t: string; event?: { type: string; message?: { cmid: string; sender_id: number } } };
      if (f.t !== 'event' || f.event?.type !== 'message.new') return;
      const cmid = f.event.message!.cmid;
      const count = (seen.get(cmid) ?? 0) + 1;
      seen.set(cmid, count);
      const t0 = sentAt.get(cmid);
      if (count === 1 && t0 !== undefined && measuring) {
        const ms = performance.now() - t0;
        latencies.push(ms);
        const tag = tagOf.get(cmid);
        if (tag !== undefined) { if (!tagged.has(tag)) tagged.set(tag, []); tagged.get(tag)!.push(ms); }
      }
    });
    const ws = await openSocket(p.senderUrl ?? task.url, p.senderToken);
    senders.push({ ws, convId: p.convId, inFlight: 0, n: 0, idx, tag: p.tag });
  }

  const send = (s: (typeof senders)[number]) => {
    const cmid = `b${process.pid}-${s.idx}-${s.n++}`;
    sentAt.set(cmid, performance.now());
    if (s.tag !== undefined) tagOf.set(cmid, s.tag);
    s.inFlight += 1;
    sent += 1;
    s.ws.send(JSON.stringify({ t: 'send', id: cmid, conv_id: s.convId, cmid, body: { text: `bench ${cmid}` } }));
  };

  const start = performance.now();
  const deadline = start + task.durationMs;
  await new Promise<void>((resolve) => {
    for (const s of senders) {
      s.ws.on('message', (data) => {
        const f = JSON.parse(data.toString()) as { t: string; id?: string };
        if (f.t === 'ack' && f.id) { acked.add(f.id); s.inFlight -= 1; }
        else if (f.t === 'error') { errors += 1; s.inFlight -= 1; }
        if (task.mode === 'max' && performance.now() < deadline) while (s.inFlight < task.window) send(s);
      });
    }
    if (task.mode === 'max') {
      for (const s of senders) for (let i = 0; i < task.window; i++) send(s);
      setTimeout(resolve, task.durationMs);
    } else {
      // Open loop: a fixed schedule, whatever the server does.
      const interval = 1000 / task.ratePerS;
      let next = 0;
      let i = 0;
      const tick = () => {
        const now = performance.now() - start;
        while (next <= now && next < task.durationMs) { send(senders[i++ % senders.length]!); next += interval; }
        if (now >= task.durationMs) { resolve(); return; }
        setImmediate(tick);
      };
      tick();
    }
  });
  const elapsed = (performance.now() - start) / 1000;
  measuring = false;
  // Let in-flight messages land before counting losses.
  const drainUntil = performance.now() + 5_000;
  while (performance.now() < drainUntil && ([...acked].some((c) => !seen.has(c)) || senders.some((s) => s.inFlight > 0))) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const delivered = [...acked].filter((c) => seen.has(c)).length;
  for (const s of senders) s.ws.close();
  latencies.sort((a, b) => a - b);
  const byTag: Record<string, { n: number; p50: number; p99: number }> = {};
  for (const [tag, list] of tagged) { list.sort((a, b) => a - b); byTag[tag] = { n: list.length, p50: percentile(list, 50), p99: percentile(list, 99) }; }
  return {
    by_tag: byTag,
    sent, acked: acked.size, delivered, errors, elapsed_s: elapsed,
    lost: [...acked].filter((c) => !seen.has(c)).length,
    duplicated: [...seen.values()].filter((n) => n > 1).length,
    latencies_ms: { p50: percentile(latencies, 50), p90: percentile(latencies, 90), p99: percentile(latencies, 99), max: latencies[latencies.length - 1] ?? 0 },
  };
}

async function idle(task: Extract<GeneratorTask, { kind: 'idle' }>): Promise<{ opened: number; failed: number; sockets: WebSocket[] }> {
  const sockets: WebSocket[] = [];
  let failed = 0;
  const batch = 200;
  for (let i = 0; i < task.count; i += batch) {
    const opened = await Promise.allSettled(Array.from({ length: Math.min(batch, task.count - i) }, (_, j) => openSocket(task.url, task.tokens[(i + j) % task.tokens.length]!)));
    for (const r of opened) if (r.status === 'fulfilled') sockets.push(r.value); else failed += 1;
  }
  return { opened: sockets.length, failed, sockets };
}

process.on('message', (task: GeneratorTask) => {
  if (task.kind === 'load') {
    load(task).then((r) => process.send!({ ok: true, result: r }), (e: Error) => process.send!({ ok: false, error: e.message }));
  } else {
    // Idle sockets stay open until the parent kills this process.
    idle(task).then((r) => process.send!({ ok: true, result: { opened: r.opened, failed: r.failed } }), (e: Error) => process.send!({ ok: false, error: e.message }));
  }
});
