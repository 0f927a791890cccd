import uWS from 'uWebSockets.js';
import { readFileSync } from 'node:fs';

/**
 * The baseline: a bare uWS relay that speaks the same frames and forwards each
 * send to the other member of its conversation, with no persistence and no
 * logic. The messaging benchmark measures it with the same generator, so the
 * ratio shows what Switchboard's durability and rules cost.
 *
 * Usage: node baseline-relay.js <port> <pairs.json>   (pairs: [{senderToken, receiverToken, convId}])
 */
const [portArg, pairsFile] = process.argv.slice(2);
const pairs = JSON.parse(readFileSync(pairsFile!, 'utf8')) as { senderToken: string; receiverToken: string; convId: number }[];
const receiverOf = new Map<number, string>(pairs.map((p) => [p.convId, p.receiverToken]));
const socketsByToken = new Map<string, uWS.WebSocket<{ token: string | null }>>();
const seqs = new Map<number, number>();

uWS.App()
  .get('/healthz', (res) => { res.end('{"status":"ok"}'); })
  .ws<{ token: string | null }>('/ws', {
    idleTimeout: 60,
    upgrade: (res, req, ctx) => res.upgrade({ token: null }, req.getHeader('sec-websocket-key'), req.getHeader('sec-websocket-protocol'), req.getHeader('sec-websocket-extensions'), ctx),
    message: (ws, message) => {
      const f = JSON.parse(Buffer.from(message).toString()) as { t: string; id?: string; token?: string; conv_id?: number; cmid?: string; body?: unknown };
      if (f.t === 'auth') {
        ws.getUserData().token = f.token!;
        socketsByToken.set(f.token!, ws);
        ws.send(JSON.stringify({ t: 'ready', protocol: 1 }));
      } else if (f.t === 'send') {
        const seq = (seqs.get(f.conv_id!) ?? 0) + 1;
        seqs.set(f.conv_id!, seq);
        const message = { conv_id: f.conv_id, seq, cmid: f.cmid, sender_id: 0, kind: 'text', body: f.body, created_at: Date.now() };
        const receiver = socketsByToken.get(receiverOf.get(f.conv_id!) ?? '');
        receiver?.send(JSON.stringify({ t: 'event', event: { type: 'message.new', conv_id: f.conv_id, message } }));
        ws.send(JSON.stringify({ t: 'ack', id: f.id, message }));
      } else if (f.t === 'ping') {
        ws.send(JSON.stringify({ t: 'pong', id: f.id, now: Date.now() }));
      }
    },
    close: (ws) => { const t = ws.getUserData().token; if (t && socketsByToken.get(t) === ws) socketsByToken.delete(t); },
  })
  .listen('127.0.0.1', Number(portArg), (token) => {
    if (!token) process.exit(1);
    process.send?.('ready');
  });
