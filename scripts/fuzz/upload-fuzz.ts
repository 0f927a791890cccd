import { connect } from 'node:net';
import type { Rng } from './random.js';
import type { Tally } from './tally.js';
import { token, type Targets } from './values.js';
import { sleep } from './ws-fuzz.js';

const NAMES = ['../../etc/passwd', '', 'a.exe', '%00.txt', 'report.pdf', '..%2F..%2Fx', 'CON', ' .txt'];

/**
 * POST /api/v1/files over a raw socket, cut at a random point: in the headers, in the body, or not at all
 * (then the answer is read). The relay must release the temp file and the descriptor each time.
 */
export async function cutUpload(r: Rng, url: string, t: Targets, tally: Tally): Promise<void> {
  const { hostname, port } = new URL(url);
  const declared = r.weighted([[r.int(0, 64 * 1024), 4], [r.int(64 * 1024, 3 * 1024 * 1024), 3], [200 * 1024 * 1024, 1]]);
  const chunked = r.chance(0.15);
  const tok = token(r, t);
  const name = r.chance(0.5) ? `fuzz-${r.int(0, 1e6)}.bin` : r.chance(0.5) ? r.pick(NAMES) : encodeURIComponent(r.wellFormed(r.chance(0.1) ? 3_000 : 30));
  const head = Buffer.from([
    `POST /api/v1/files?name=${name} HTTP/1.1`, 'Host: fuzz',
    ...(tok === undefined ? [] : [`Authorization: Bearer ${tok}`]),
    `Content-Type: ${r.pick(['application/octet-stream', 'text/html', 'image/svg+xml', 'image/png', r.ascii(30)])}`,
    chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${declared}`, '', '',
  ].join('\r\n'));
  // Where to stop: inside the headers, somewhere in the body, or after all of it.
  const cutAt = r.weighted([[r.int(1, head.length - 1), 1], [head.length + r.int(0, Math.max(0, Math.min(declared, 3 * 1024 * 1024) - 1)), 6], [-1, 3]]);
  const full = cutAt < 0 && declared <= 3 * 1024 * 1024;
  const kind = full ? 'upload' : 'upload-cut';
  tally.send(kind);
  const outcome = await new Promise<string>((resolve) => {
    const sock = connect(Number(port), hostname);
    let answer = '';
    let settled = false;
    const done = (o: string) => { if (!settled) { settled = true; clearTimeout(timer); sock.destroy(); resolve(o); } };
    const timer = setTimeout(() => done(full ? 'timeout' : 'cut'), 30_000);
    sock.on('data', (d: Buffer) => {
      answer += d.toString('latin1');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(answer)?.[1];
      if (status && answer.includes('\r\n\r\n') && (answer.includes('}') || Number(status) < 300)) done(Number(status) < 300 ? 'ok' : /"code":"(SB_\w+)"/.exec(answer)?.[1] ?? `http:${status}`);
    });
    sock.on('error', () => { /* a refusal closes the socket: the answer, if any, was counted */ });
    sock.on('close', () => done(answer ? 'partial' : full ? 'closed-without-answer' : 'cut'));
    sock.on('connect', () => void (async () => {
      const total = cutAt < 0 ? head.length + Math.min(declared, 3 * 1024 * 1024) : cutAt;
      const body = r.bytes(Math.min(4_096, total));
      for (let sent = 0; sent < total && !settled;) {
        const n = Math.min(total - sent, r.int(1, 256 * 1024));
        const piece = sent < head.length ? head.subarray(sent, Math.min(head.length, sent + n)) : Buffer.alloc(Math.min(n, total - sent), body);
        const bytes = chunked && sent >= head.length ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]) : piece;
        if (!sock.write(bytes)) await new Promise((ok) => sock.once('drain', ok));
        sent += piece.length;
        if (r.chance(0.2)) await sleep(r.int(0, 30));
      }
      if (!full) { await sleep(r.int(0, 100)); done('cut'); return; }
      if (chunked) sock.write('0\r\n\r\n');
    })());
  });
  tally.outcome(kind, outcome, () => `${head.toString('latin1').slice(0, 300)} cut at ${cutAt}`);
}
