import WebSocket from 'ws';

/**
 * A fleet of WebSocket clients for the directory benchmark, in its own process:
 * each signs in, then records when each `directory.changed` push arrives (and,
 * in pull mode, when its dir.changes pull completes).
 */
interface Task { url: string; token: string; clients: number; pull: boolean }

const now = () => performance.timeOrigin + performance.now();

process.once('message', (task: Task) => {
  void (async () => {
    const arrivals = new Map<number, number[]>();
    const sockets: WebSocket[] = [];
    let ready = 0;
    const wsUrl = task.url.replace(/^http/, 'ws') + '/ws';
    await new Promise<void>((resolve, reject) => {
      let opened = 0;
      const openOne = () => {
        if (opened >= task.clients) return;
        opened++;
        const ws = new WebSocket(wsUrl);
        sockets.push(ws);
        ws.on('open', () => ws.send(JSON.stringify({ t: 'auth', token: task.token })));
        ws.on('error', reject);
        ws.on('message', (data) => {
          const f = JSON.parse(data.toString()) as { t: string; event?: { type: string; version: number; changes?: unknown[] } };
          if (f.t === 'ready') { ready++; if (ready === task.clients) resolve(); else openOne(); return; }
          if (f.t !== 'event' || f.event?.type !== 'directory.changed') return;
          const v = f.event.version;
          if (!task.pull && f.event.changes) { record(v, now()); return; }
          void fetch(`${task.url}/api/v1/directory/changes?since=${v - 1}`, { headers: { authorization: `Bearer ${task.token}` } })
            .then((r) => r.json()).then(() => record(v, now()), () => record(v, Number.NaN));
        });
      };
      // A few connections in flight at a time, as clients arrive in practice.
      for (let i = 0; i < 50; i++) openOne();
    });
    function record(v: number, t: number): void {
      let list = arrivals.get(v);
      if (!list) arrivals.set(v, (list = []));
      list.push(t);
      if (list.length === task.clients) process.send!({ kind: 'arrived', version: v, times: list });
    }
    process.send!({ kind: 'ready', clients: ready });
    process.on('message', (m: { kind: string }) => { if (m.kind === 'stop') { for (const ws of sockets) ws.terminate(); process.exit(0); } });
  })().catch((e: unknown) => { process.send!({ kind: 'error', error: String(e) }); process.exit(1); });
});
