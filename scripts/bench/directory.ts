import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { DirectoryModel } from '../../core/directory/model.js';
import { toCsv } from '../../core/directory/import/csv.js';
import { TABLE_COLUMNS } from '../../core/directory/import/document.js';
import { SqliteStore } from '../../central/store/sqlite/index.js';
import { MysqlStore } from '../../central/store/mysql/index.js';
import type { Store } from '../../core/ports.js';
import type { DirPerson } from '../../shared/protocol/directory.js';
import { ApiClient } from '../../shared/sdk/api.js';
import { freePort, log, rssMib, waitHealthy } from './common.js';

export interface DirectoryBenchOptions { people: number; depts: number; store: 'sqlite' | 'mysql'; clients: number; searches: number; changes: number }

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂华玉兰萍红娥玲芬燕彬鹏辉宇浩凯健俊帆帅旭宁龙林欣佳琳晨阳思雨婷雪颖倩琪璐慧嘉博文晓天海波峰建国志';
const DEPT_WORDS = ['研发', '市场', '销售', '财务', '人事', '运营', '客服', '法务', '采购', '质量', '产品', '设计', '测试', '安全', '行政'];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
}

/** A generated org as the CSV/Excel table: a 10-ary department tree and people in one or two departments. */
export function generateOrg(people: number, depts: number): { csv: string; names: string[]; mobiles: string[] } {
  const rand = rng(42);
  const rows: string[][] = [[...TABLE_COLUMNS]];
  const blank = () => TABLE_COLUMNS.map(() => '');
  const set = (r: string[], col: (typeof TABLE_COLUMNS)[number], v: string) => { r[TABLE_COLUMNS.indexOf(col)] = v; };
  for (let i = 1; i <= depts; i++) {
    const r = blank();
    set(r, 'type', 'dept'); set(r, 'key', `D${i}`); set(r, 'parent', i <= 10 ? '' : `D${Math.ceil(i / 10) - 1}`);
    set(r, 'name', `${DEPT_WORDS[i % DEPT_WORDS.length]}${i}部`); set(r, 'sort', String(i % 7));
    rows.push(r);
  }
  const names: string[] = [];
  const mobiles: string[] = [];
  const members: string[][] = [];
  for (let j = 1; j <= people; j++) {
    const name = SURNAMES[Math.floor(rand() * SURNAMES.length)]! + GIVEN[Math.floor(rand() * GIVEN.length)]! + (rand() < 0.6 ? GIVEN[Math.floor(rand() * GIVEN.length)]! : '');
    const account = `u${String(j).padStart(6, '0')}`;
    const mobile = `1${38 + (j % 3)}${String(j * 7919 % 100_000_000).padStart(8, '0')}`;
    names.push(name);
    mobiles.push(mobile);
    const r = blank();
    set(r, 'type', 'person'); set(r, 'account', account); set(r, 'name', name); set(r, 'gender', j % 2 ? 'male' : 'female');
    set(r, 'mobile', mobile); set(r, 'email', `${account}@corp.example`); set(r, 'title', '工程师'); set(r, 'employee_no', `E${j}`); set(r, 'status', 'active');
    rows.push(r);
    const m = blank();
    set(m, 'type', 'member'); set(m, 'account', account); set(m, 'key', `D${(j % depts) + 1}`); set(m, 'title', '工程师'); set(m, 'sort', String(j % 100));
    members.push(m);
    if (j % 10 === 0) {
      const m2 = blank();
      set(m2, 'type', 'member'); set(m2, 'account', account); set(m2, 'key', `D${((j * 31) % depts) + 1}`); set(m2, 'title', '兼职顾问');
      if (m2[TABLE_COLUMNS.indexOf('key')] !== m[TABLE_COLUMNS.indexOf('key')]) members.push(m2);
    }
  }
  rows.push(...members);
  return { csv: toCsv(rows), names, mobiles };
}

/** A fixed piece of CPU work (gzip the generated CSV), timed: how busy the shared machine was. */
function cpuBaseline(text: string): number {
  const t0 = performance.now();
  gzipSync(text, { level: 6 });
  return Math.round(performance.now() - t0);
}

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))]! * 100) / 100;
}

/** The snapshot as sent: gzip bytes on the wire (Node's fetch would decompress them). */
function rawSnapshot(url: string, token: string): Promise<{ bytes: number; ms: number; status: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(`${url}/api/v1/directory/snapshot`, { headers: { authorization: `Bearer ${token}`, 'accept-encoding': 'gzip' } }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => { bytes += c.length; });
      res.on('end', () => resolve({ bytes, ms: Math.round((performance.now() - t0) * 10) / 10, status: res.statusCode ?? 0 }));
    });
    req.on('error', reject);
    req.end();
  });
}

export async function runDirectory(opts: DirectoryBenchOptions): Promise<Record<string, unknown>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-bench-dir-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const adminPassword = 'bench-admin-password';
  const configFile = join(dataDir, 'bench.json');
  writeFileSync(configFile, JSON.stringify({ limits: { framesPerSecond: 1_000_000, frameBurst: 1_000_000, loginAttemptsPerMinute: 100_000 }, files: { maxBytes: 1024 ** 3 } }));
  const database = opts.store === 'mysql' ? `sb_bench_dir_${process.pid}` : null;
  let root: mysql.Connection | null = null;
  if (database) {
    root = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root' });
    await root.query(`CREATE DATABASE ${database} CHARACTER SET utf8mb4`);
  }
  const env = {
    ...process.env, SWITCHBOARD_LOG_LEVEL: 'warn', SWITCHBOARD_DATA_DIR: join(dataDir, 'data'), SWITCHBOARD_PORT: String(port), SWITCHBOARD_HOST: '127.0.0.1',
    SWITCHBOARD_ADMIN_PASSWORD: adminPassword, SWITCHBOARD_CONFIG: configFile, ...(database ? { SWITCHBOARD_MYSQL_URL: `mysql://root@127.0.0.1:3306/${database}` } : {}),
  };
  const server: ChildProcess = spawn('bash', ['-c', `ulimit -n 65536 2>/dev/null || ulimit -n 20000; exec "${process.execPath}" --max-old-space-size=4096 dist/scripts/switchboard.js all-in-one`],
    { env, stdio: ['ignore', 'inherit', 'inherit'] });
  let fleet: ChildProcess | null = null;
  try {
    await waitHealthy(url, server, 60_000);
    const admin = new ApiClient(url, (await new ApiClient(url).call('auth.login', { account: 'admin', password: adminPassword, device_type: 'cli' })).token);

    // ---- import -----------------------------------------------------------------------
    log(`generating ${opts.people} people in ${opts.depts} departments`);
    const org = generateOrg(opts.people, opts.depts);
    const baselineBefore = cpuBaseline(org.csv);
    const csv = Buffer.from(org.csv, 'utf8');
    log(`importing ${Math.round(csv.length / 1024 / 1024)} MiB of CSV`);
    const t0 = performance.now();
    const file = await admin.upload('org.csv', 'text/csv', csv);
    const report = await admin.call('admin.dir.import', { file_id: file.id, format: 'csv' });
    const importS = Math.round((performance.now() - t0) / 100) / 10;
    log(`import: ${importS} s`, JSON.stringify(report.summary));
    const t1 = performance.now();
    const again = await admin.call('admin.dir.import', { file_id: file.id, format: 'csv' });
    const reimportS = Math.round((performance.now() - t1) / 100) / 10;
    if (again.version !== report.version) throw new Error('re-import changed the directory');

    // ---- an employee ----------------------------------------------------------------------
    const u = await admin.call('admin.users.create', { account: 'bench.reader', name: '读者', password: 'bench-password' });
    const token = (await new ApiClient(url).call('auth.login', { account: u.account, password: 'bench-password', device_type: 'bot' })).token;
    const reader = new ApiClient(url, token);

    // ---- snapshot ---------------------------------------------------------------------
    const cold = await rawSnapshot(url, token);
    const warm: number[] = [];
    for (let i = 0; i < 5; i++) warm.push((await rawSnapshot(url, token)).ms);
    const snap = await reader.directorySnapshot();
    log(`snapshot: ${cold.bytes} bytes gzipped, cold ${cold.ms} ms, ${snap.people.length} people`);

    // ---- search, end to end through the relay ----------------------------------------------
    const rand = rng(7);
    const queries: string[] = [];
    for (let i = 0; i < opts.searches; i++) {
      const j = Math.floor(rand() * opts.people);
      const kind = i % 6;
      const name = org.names[j]!;
      queries.push(kind === 0 ? name : kind === 1 ? name.slice(0, 2) : kind === 2 ? `u${String(j + 1).padStart(6, '0')}` : kind === 3 ? org.mobiles[j]!.slice(0, 7) : kind === 4 ? 'zhang' : 'zs');
    }
    // Warm-up (JIT, lazily built indexes), not measured.
    for (const q of queries.slice(0, 20)) await reader.call('dir.search', { q, limit: 20 });
    const e2e: number[] = [];
    for (const q of queries) {
      const s0 = performance.now();
      await reader.call('dir.search', { q, limit: 20 });
      e2e.push(performance.now() - s0);
    }
    e2e.sort((a, b) => a - b);
    log(`search via HTTP: p50 ${pct(e2e, 0.5)} ms p99 ${pct(e2e, 0.99)} ms`);

    // ---- one change reaching N connected clients ----------------------------------------------
    fleet = fork(join(import.meta.dirname, 'directory-fleet.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: ['--max-old-space-size=4096'] });
    const messages: { kind: string; version?: number; times?: number[]; error?: string }[] = [];
    let wake: (() => void) | null = null;
    fleet.on('message', (m: (typeof messages)[number]) => { messages.push(m); wake?.(); });
    const next = async (kind: string, version?: number, ms = 120_000) => {
      const until = Date.now() + ms;
      for (;;) {
        const i = messages.findIndex((m) => m.kind === 'error' || (m.kind === kind && (version === undefined || m.version === version)));
        if (i >= 0) { const m = messages.splice(i, 1)[0]!; if (m.kind === 'error') throw new Error(m.error); return m; }
        if (Date.now() > until) throw new Error(`fleet: no ${kind}`);
        await new Promise<void>((r) => { wake = r; setTimeout(r, 100); });
      }
    };
    const people = snap.people.slice(0, opts.changes * 4);
    /** One change at a time; each client's time from the admin's request to its copy holding the change. */
    const measure = async (pull: boolean, changes: number, offset: number): Promise<number[]> => {
      messages.length = 0;
      fleet!.send({ url, token, clients: opts.clients, pull });
      await next('ready');
      log(`${opts.clients} clients connected (${pull ? 'each pulls dir.changes after the push' : 'changes ride on the push'})`);
      const latencies: number[] = [];
      for (let i = 0; i < changes; i++) {
        const target = people[offset + i]! as DirPerson;
        const start = performance.timeOrigin + performance.now();
        await admin.call('admin.dir.person.update', { person_id: target.id, title: `职位${offset + i}` });
        const { version } = await admin.call('dir.orgs');
        const arrived = await next('arrived', version);
        for (const t of arrived.times!) latencies.push(t - start);
        await new Promise((r) => setTimeout(r, 300));
      }
      fleet!.send({ kind: 'stop' });
      await new Promise((r) => fleet!.once('exit', r));
      return latencies.sort((a, b) => a - b);
    };
    const latencies = await measure(false, opts.changes, 0);
    log(`delta to ${opts.clients} clients: p50 ${pct(latencies, 0.5)} ms p99 ${pct(latencies, 0.99)} ms`);
    fleet = fork(join(import.meta.dirname, 'directory-fleet.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: ['--max-old-space-size=4096'] });
    fleet.on('message', (m: (typeof messages)[number]) => { messages.push(m); wake?.(); });
    const pulled = await measure(true, Math.max(1, Math.ceil(opts.changes / 2)), opts.changes);
    log(`delta pulled by ${opts.clients} clients: p50 ${pct(pulled, 0.5)} ms p99 ${pct(pulled, 0.99)} ms`);
    const serverRss = rssMib(server.pid!);

    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));

    // ---- the search index alone, in this process, over the same data ----------------------------
    const sqlite: Store = database
      ? await MysqlStore.open({ url: `mysql://root@127.0.0.1:3306/${database}`, createDatabase: false })
      : new SqliteStore(join(dataDir, 'data', 'switchboard.db'));
    const l0 = performance.now();
    const model = DirectoryModel.from(await sqlite.directory.load());
    const loadMs = Math.round(performance.now() - l0);
    for (const q of queries.slice(0, 20)) model.searchIndex().search(q, { limit: 20, full: () => false, anyFull: false });
    const idx: number[] = [];
    for (const q of queries) {
      const s0 = performance.now();
      model.searchIndex().search(q, { limit: 20, full: () => false, anyFull: false });
      idx.push(performance.now() - s0);
    }
    idx.sort((a, b) => a - b);
    await sqlite.close();

    const baselineAfter = cpuBaseline(org.csv);
    return {
      bench: 'directory', store: opts.store, people: opts.people, depts: opts.depts,
      import_s: importS, reimport_noop_s: reimportS, csv_bytes: csv.length,
      snapshot_bytes: cold.bytes, snapshot_ms: cold.ms, snapshot_warm_ms: pct(warm.sort((a, b) => a - b), 0.5),
      delta_clients: opts.clients, delta_changes: opts.changes, delta_p50_ms: pct(latencies, 0.5), delta_p99_ms: pct(latencies, 0.99), delta_max_ms: pct(latencies, 1), delta_pull_p50_ms: pct(pulled, 0.5), delta_pull_p99_ms: pct(pulled, 0.99),
      search_queries: queries.length, search_p50_ms: pct(e2e, 0.5), search_p99_ms: pct(e2e, 0.99),
      search_index_p50_ms: pct(idx, 0.5), search_index_p99_ms: pct(idx, 0.99), model_load_ms: loadMs, server_rss_mib: serverRss,
      cpu_baseline_ms: [baselineBefore, baselineAfter], load_avg: loadavg().map((x) => Math.round(x * 10) / 10),
    };
  } finally {
    fleet?.kill();
    if (server.exitCode === null) server.kill('SIGKILL');
    if (root && database) { await root.query(`DROP DATABASE IF EXISTS ${database}`).catch(() => {}); await root.end(); }
    rmSync(dataDir, { recursive: true, force: true });
  }
}
