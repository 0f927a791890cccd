import t from 'tap';
import { runFuzz } from '../../scripts/fuzz/engine.js';

/**
 * The bounded fuzz suite against a real all-in-one node in its own process: mutated WebSocket frames, HTTP
 * requests to every route, uploads cut at random points and hostile import files, while a bystander pair keeps
 * talking. About a minute; SWITCHBOARD_FUZZ_SECONDS sets the fuzzing time, SWITCHBOARD_FUZZ_SEED replays a run
 * (the seed is in the test's name). Longer runs: `npm run fuzz -- --minutes N`.
 */
const seconds = Number(process.env.SWITCHBOARD_FUZZ_SECONDS ?? 40);
const seed = Number(process.env.SWITCHBOARD_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 32));
const MARGINS = { fds: 20, rssMb: 80 };
// Set-up, warm-up, settle and the bystanders' last deliveries come on top of the fuzzing time.
t.setTimeout((seconds + 120) * 1000);

t.test(`fuzz for ${seconds} s, seed ${seed}`, async (t) => {
  const r = await runFuzz({ seed, durationMs: seconds * 1000, warmupMs: Math.min(5_000, seconds * 150), margins: MARGINS, log: (line) => t.comment(line) });
  t.comment(JSON.stringify({ sent: r.sent, rss_mb: r.rss_mb, fds: r.fds, bystander: r.bystander, imports: r.imports, health: r.health }));
  for (const kind of ['ws', 'http', 'upload-cut', 'import']) t.ok((r.sent[kind] ?? 0) > 0, `${kind}: ${r.sent[kind] ?? 0} sent`);
  t.equal(r.node.exited, null, 'the node never exited');
  t.equal(r.health.failures, 0, `/healthz always answered within 2 s (${r.health.checks} checks, p99 ${r.health.p99_ms} ms)`);
  t.ok(r.fds.after <= r.fds.before + MARGINS.fds, `descriptors back to their level: ${r.fds.before} → ${r.fds.after} (peak ${r.fds.peak})`);
  t.ok(r.rss_mb.after <= r.rss_mb.before + MARGINS.rssMb, `resident memory back within ${MARGINS.rssMb} MB: ${r.rss_mb.before} → ${r.rss_mb.after} MB (peak ${r.rss_mb.peak})`);
  t.equal(r.temp_files_after, 0, 'no upload temp file left behind');
  t.equal(r.suspects, 0, `every answer was coded: ${JSON.stringify(r.samples)}`);
  const b = r.bystander;
  t.ok(b.delivered > 0 && b.missing === 0, `every bystander message arrived (${b.delivered} of ${b.sent})`);
  t.equal(b.duplicates, 0, 'none arrived twice');
  t.equal(b.disconnects, 0, 'the bystanders were never disconnected');
  t.same(b.errors, {}, 'and never refused');
  t.ok(b.p99_ms < 100, `bystander delivery p99 ${b.p99_ms} ms < 100 ms (p50 ${b.p50_ms}, max ${b.max_ms})`);
});
