import WebSocket from 'ws';
import type { Rng } from './random.js';
import type { Tally } from './tally.js';
import { DEEP, hostileValue, id, mutateParams, raw, token, type Targets } from './values.js';

export interface WsFrame { data: string | Buffer; binary: boolean }

/** A frame of docs/protocol.md, sometimes as sent by a correct client, mostly mutated. */
export function wsFrame(r: Rng, t: Targets): WsFrame {
  const reqId = r.weighted<() => unknown>([[() => `f${r.int(0, 1e6)}`, 8], [() => undefined, 1], [() => 'x'.repeat(r.int(65, 5_000)), 1], [() => hostileValue(r, t), 1]])();
  const conv = () => r.weighted<() => unknown>([[() => r.pick(t.convIds), 5], [() => r.pick(t.foreignConvIds), 3], [() => id(r, t, t.convIds), 2]])();
  const body = () => r.weighted<() => unknown>([
    [() => ({ text: r.text(80) }), 6], [() => ({ file_id: id(r, t, t.fileIds) }), 2], [() => ({ text: r.text(3).repeat(r.int(2_000, 4_000)) }), 1],
    [() => ({ text: DEEP }), 1], [() => hostileValue(r, t), 1],
  ])();
  const base = r.weighted<() => Record<string, unknown>>([
    [() => ({ t: 'send', id: reqId, conv_id: conv(), cmid: r.chance(0.3) ? `fz-${r.int(0, 20)}` : `fz-${r.int(0, 1e9)}`, body: body() }), 8],
    [() => ({ t: 'read', id: reqId, conv_id: conv(), seq: r.chance(0.5) ? r.int(0, 50) : hostileValue(r, t) }), 3],
    [() => ({ t: 'ping', id: reqId }), 2],
    [() => ({ t: 'presence', id: reqId, status: r.pick(['online', 'away', 'offline', 'busy', '']) }), 2],
    [() => ({ t: 'auth', id: reqId, token: token(r, t) }), 2],
    [() => ({ t: r.weighted<() => unknown>([[() => r.text(10), 1], [() => hostileValue(r, t), 1], [() => 'SEND', 1]])() }), 1],
  ])();
  const frame = r.chance(0.6) ? mutateParams(r, t, base) : base;
  const text = raw(r, frame, 15_000);
  return r.weighted<() => WsFrame>([
    [() => ({ data: text, binary: false }), 14],
    [() => ({ data: text.slice(0, r.int(0, text.length - 1)), binary: false }), 2], // truncated JSON
    [() => ({ data: Buffer.from(text), binary: true }), 1],
    [() => ({ data: r.bytes(r.int(0, 2_000)), binary: r.chance(0.7) }), 1],
    [() => ({ data: JSON.stringify({ ...frame, pad: 'p'.repeat(r.int(64 * 1024, 300 * 1024)) }), binary: false }), 1], // over the frame limit
    [() => ({ data: r.pick(['', 'null', '[]', '"send"', '1e999', '{"t":"send"']), binary: false }), 1],
  ])();
}

/**
 * One connection: open, usually authenticate as a fuzz user, send a burst of frames (now and then a flood
 * past the rate limit), read whatever comes back, and end by closing, terminating or going silent.
 */
export async function wsSession(r: Rng, url: string, t: Targets, tally: Tally): Promise<void> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`, { maxPayload: 16 * 1024 * 1024 });
  const recent: string[] = [];
  const input = () => recent.join('\n');
  ws.on('message', (data: Buffer) => {
    let f: { t?: string; error?: { code?: string } };
    try { f = JSON.parse(data.toString()) as typeof f; } catch { tally.outcome('ws', 'unparsable-reply', input); return; }
    tally.outcome('ws', f.t === 'error' ? f.error?.code ?? 'error-without-code' : String(f.t), input);
  });
  const closed = new Promise<void>((resolve) => ws.on('close', (code) => { tally.outcome('ws', `close:${code}`); resolve(); }));
  ws.on('error', () => { /* counted by its close code */ });
  const opened = await new Promise<boolean>((resolve) => {
    ws.once('open', () => resolve(true));
    ws.once('close', () => resolve(false));
  });
  if (!opened) return;
  const send = (f: WsFrame) => {
    if (ws.readyState !== WebSocket.OPEN) return;
    recent.push(typeof f.data === 'string' ? f.data.slice(0, 120) : `<${f.data.length} bytes${f.binary ? ' binary' : ''}>`);
    if (recent.length > 5) recent.shift();
    tally.send('ws');
    ws.send(f.data, { binary: f.binary });
  };
  if (r.chance(0.8) && t.liveTokens.length) send({ data: JSON.stringify({ t: 'auth', token: r.pick(t.liveTokens) }), binary: false });
  await sleep(r.int(20, 200));
  const flood = r.chance(0.05);
  const frames = flood ? r.int(250, 600) : r.int(1, 60);
  for (let i = 0; i < frames && ws.readyState === WebSocket.OPEN; i++) {
    send(flood ? { data: '{"t":"ping"}', binary: false } : wsFrame(r, t));
    if (!flood) await sleep(r.int(0, 40));
  }
  await sleep(r.int(0, 800));
  const end = r.pick(['close', 'terminate', 'close-bad-code'] as const);
  if (end === 'terminate') ws.terminate();
  else if (end === 'close-bad-code') ws.close(r.pick([1000, 1001, 3000, 4999]), r.ascii(100));
  else ws.close();
  await Promise.race([closed, sleep(3_000).then(() => ws.terminate())]);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
