import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

export interface BystanderPlan { url: string; tokens: [string, string]; userIds: [number, number]; convId: number; ratePerS: number }

export interface BystanderResult {
  sent: number;
  acked: number;
  delivered: number;
  duplicates: number;
  missing: number;
  errors: Record<string, number>;
  disconnects: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
  /** The slowest deliveries, with when they were sent (seconds from the start): a cluster is a stall. */
  slowest: { at_s: number; ms: number }[];
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * Two users who talk all through the fuzz: each in turn sends a message to the other over its WebSocket,
 * `ratePerS` in all. Latency is from the send to the push arriving at the other side; each message must
 * arrive exactly once. Runs in a process of its own so the fuzzer's work cannot delay what it measures.
 */
export async function converse(plan: BystanderPlan, onReady: () => void, stopped: Promise<void>): Promise<BystanderResult> {
  const sentAt = new Map<string, number>();
  const seen = new Map<string, number>();
  const latencies: number[] = [];
  const timeline: { at_s: number; ms: number }[] = [];
  const t0 = performance.now();
  const errors: Record<string, number> = {};
  let acked = 0;
  let disconnects = 0;
  let stopping = false;
  const sockets = await Promise.all(plan.tokens.map(async (token, side) => {
    const ws = new WebSocket(`${plan.url.replace(/^http/, 'ws')}/ws`);
    ws.on('message', (data: Buffer) => {
      const f = JSON.parse(data.toString()) as { t: string; id?: string; error?: { code: string }; event?: { type: string; conv_id?: number; message?: { cmid: string; sender_id: number } } };
      if (f.t === 'ack' && f.id?.startsWith('by-')) acked += 1;
      else if (f.t === 'error') errors[f.error?.code ?? '?'] = (errors[f.error?.code ?? '?'] ?? 0) + 1;
      else if (f.t === 'event' && f.event?.type === 'message.new' && f.event.conv_id === plan.convId && f.event.message?.sender_id !== plan.userIds[side]) {
        const cmid = f.event.message!.cmid;
        const n = (seen.get(cmid) ?? 0) + 1;
        seen.set(cmid, n);
        if (n === 1 && sentAt.has(cmid)) {
          const ms = performance.now() - sentAt.get(cmid)!;
          latencies.push(ms);
          timeline.push({ at_s: Math.round((sentAt.get(cmid)! - t0) / 100) / 10, ms: Math.round(ms) });
        }
      }
    });
    ws.on('close', () => { if (!stopping) disconnects += 1; });
    ws.on('error', () => { /* counted as a disconnect by its close */ });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => ws.send(JSON.stringify({ t: 'auth', token })));
      ws.on('message', function ready(data: Buffer) {
        if ((JSON.parse(data.toString()) as { t: string }).t === 'ready') { ws.off('message', ready); resolve(); }
      });
      ws.once('close', () => reject(new Error('bystander socket closed before ready')));
    });
    return ws;
  }));
  onReady();
  let n = 0;
  const timer = setInterval(() => {
    const cmid = `by-${++n}`;
    sentAt.set(cmid, performance.now());
    sockets[n % 2]!.send(JSON.stringify({ t: 'send', id: cmid, conv_id: plan.convId, cmid, body: { text: `bystander message ${n}` } }));
  }, 1000 / plan.ratePerS);
  const pings = setInterval(() => { for (const ws of sockets) if (ws.readyState === WebSocket.OPEN) ws.send('{"t":"ping"}'); }, 20_000);
  await stopped;
  clearInterval(timer);
  clearInterval(pings);
  // The last messages get time to arrive before anything is counted missing.
  const until = Date.now() + 10_000;
  while (Date.now() < until && [...sentAt.keys()].some((c) => !seen.has(c))) await new Promise((r) => setTimeout(r, 50));
  stopping = true;
  for (const ws of sockets) ws.close();
  latencies.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    sent: n, acked, delivered: [...seen.keys()].filter((c) => sentAt.has(c)).length,
    duplicates: [...seen.values()].filter((c) => c > 1).length,
    missing: [...sentAt.keys()].filter((c) => !seen.has(c)).length,
    errors, disconnects, p50_ms: round(percentile(latencies, 50)), p99_ms: round(percentile(latencies, 99)), max_ms: round(latencies.at(-1) ?? 0),
    slowest: timeline.sort((a, b) => b.ms - a.ms).slice(0, 10),
  };
}

/** Starts the pair in a child process; `stop()` ends the conversation and returns what was measured. */
export async function startBystanders(plan: BystanderPlan): Promise<{ pid: number; stop(): Promise<BystanderResult> }> {
  const child = fork(fileURLToPath(new URL('./bystander-process.js', import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const messages: { t: string; result?: BystanderResult; error?: string }[] = [];
  let wake: (() => void) | null = null;
  child.on('message', (m: (typeof messages)[number]) => { messages.push(m); wake?.(); });
  child.on('exit', () => { messages.push({ t: 'exit' }); wake?.(); });
  const next = async () => {
    while (messages.length === 0) await new Promise<void>((r) => { wake = r; });
    return messages.shift()!;
  };
  child.send({ t: 'start', plan });
  const first = await next();
  if (first.t !== 'started') throw new Error(`bystanders did not start: ${first.error ?? first.t}`);
  return {
    pid: child.pid!,
    async stop() {
      child.send({ t: 'stop' });
      const m = await next();
      if (m.t !== 'result' || !m.result) throw new Error(`bystanders failed: ${m.error ?? m.t}`);
      return m.result;
    },
  };
}
