import WebSocket from 'ws';
import { performance } from 'node:perf_hooks';

/**
 * The fan-out bench's receivers, in their own process: one socket per member token, counting each
 * message.new and its latency from the send time the sender wrote into the text ("t:<ms since the epoch>").
 */
const now = () => performance.timeOrigin + performance.now();

process.once('message', async (task: { url: string; tokens: string[] }) => {
  const latencies: number[] = [];
  let first = 0;
  let last = 0;
  const open = (token: string) => new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(`${task.url.replace(/^http/, 'ws')}/ws`, { perMessageDeflate: false });
    ws.once('error', reject);
    ws.once('open', () => ws.send(JSON.stringify({ t: 'auth', token })));
    ws.on('message', (data) => {
      const f = JSON.parse(data.toString()) as { t: string; event?: { type: string; message?: { body: { text?: string } } } };
      if (f.t === 'ready') { resolve(ws); return; }
      if (f.t !== 'event' || f.event?.type !== 'message.new') return;
      const sentAt = Number(/^t:([\d.]+)/.exec(f.event.message?.body.text ?? '')?.[1]);
      if (!sentAt) return;
      const at = now();
      if (!first) first = at;
      last = at;
      latencies.push(at - sentAt);
    });
  });
  const sockets: WebSocket[] = [];
  for (let i = 0; i < task.tokens.length; i += 100) sockets.push(...await Promise.all(task.tokens.slice(i, i + 100).map(open)));
  process.send!({ ready: sockets.length });
  process.on('message', (m: { report?: boolean; count?: boolean }) => {
    if (m.count) { process.send!({ count: latencies.length }); return; }
    if (!m.report) return;
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p / 100 * latencies.length))] ?? 0;
    process.send!({ delivered: latencies.length, first, last, p50: pct(50), p99: pct(99), max: latencies[latencies.length - 1] ?? 0 });
    for (const ws of sockets) ws.terminate();
    setTimeout(() => process.exit(0), 200);
  });
});
