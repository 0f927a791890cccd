import type { Test } from 'tap';
import type { AuditChainRow, Store } from '../../core/ports.js';
import { auditRowHash, GENESIS_HASH, verifyAuditChain } from '../../core/admin/audit-chain.js';
import type { StoreHarness } from './store.js';

/**
 * The audit log's chain, for every store: valid after appends, never forked by concurrent appends
 * (across central processes where the store allows several), and broken, at the right row, by a
 * change or a removal made with SQL behind the store's back. Small pages exercise the paged walk.
 */
export function auditChainContract(t: Test, harness: () => StoreHarness): void {
  const PAGE = 7;
  let n = 0;
  const append = (s: Store, marker: string) => s.audit.append({ actor_id: (++n % 3) || null, action: marker, target: `user:${n}`, details: { n, 名: '值', at: [1, 2] }, at: 5_000 + n });
  const everything = async (s: Store): Promise<AuditChainRow[]> => s.audit.chain({ afterId: 0, throughId: (await s.audit.head()).last_id, limit: 1_000_000 });

  t.test('audit chain: every row links to the one before; the head names the last', async (t) => {
    const s = harness().store;
    for (let i = 0; i < 25; i++) await append(s, 'chain.serial');
    const rows = await everything(s);
    t.ok(rows.length >= 25);
    t.equal(rows[0]!.prev_hash, GENESIS_HASH, 'the first row follows 64 zeros');
    t.ok(rows.every((r, i) => r.prev_hash === (i === 0 ? GENESIS_HASH : rows[i - 1]!.hash) && r.hash === auditRowHash(r.prev_hash, r)), 'each hash covers its row and the hash before it');
    t.ok(rows.every((r) => /^[0-9a-f]{64}$/.test(r.hash)), 'hashes are hex SHA-256');
    t.same(await s.audit.head(), { last_id: rows.at(-1)!.id, hash: rows.at(-1)!.hash });
    t.same(await verifyAuditChain(s.audit, PAGE), { ok: true, rows: rows.length });
  });

  t.test('audit chain: 50 concurrent appends leave one unbroken chain', async (t) => {
    const h = harness();
    const handles = [h.store, ...(h.sibling ? [await h.sibling(), await h.sibling()] : [])];
    t.teardown(async () => { for (const x of handles.slice(1)) await x.close(); });
    const before = (await everything(h.store)).length;
    await Promise.all(Array.from({ length: 50 }, (_, i) => append(handles[i % handles.length]!, 'chain.concurrent')));
    const rows = await everything(h.store);
    t.equal(rows.filter((r) => r.action === 'chain.concurrent').length, 50, `50 appends through ${handles.length} handle(s)`);
    t.equal(new Set(rows.map((r) => r.prev_hash)).size, rows.length, 'no two rows follow the same row (no fork)');
    t.same(await verifyAuditChain(h.store.audit, PAGE), { ok: true, rows: before + 50 });
  });

  t.test('audit chain: verify finds a row changed or removed with SQL', async (t) => {
    const { store: s, raw } = harness();
    if (!raw) { t.fail('the harness gives no raw SQL access'); return; }
    for (let i = 0; i < 10; i++) await append(s, 'chain.tamper');
    const rows = await everything(s);
    const at = rows.length - 5;
    const victim = rows[at]!;
    const verify = () => verifyAuditChain(s.audit, PAGE);

    await raw('UPDATE audit_log SET details = ? WHERE id = ?', ['{"n":0}', victim.id]);
    const changed = await verify();
    t.match(changed, { ok: false, rows: at, first_broken: { id: victim.id, reason: /changed/ } }, 'a changed row breaks the chain at that row');
    await raw('UPDATE audit_log SET details = ? WHERE id = ?', [victim.details, victim.id]);
    t.same(await verify(), { ok: true, rows: rows.length }, 'and the chain holds again once the row is put back');

    const forged = auditRowHash(victim.prev_hash, { ...victim, details: '{"n":0}' });
    await raw('UPDATE audit_log SET details = ?, hash = ? WHERE id = ?', ['{"n":0}', forged, victim.id]);
    t.match(await verify(), { ok: false, rows: at + 1, first_broken: { id: rows[at + 1]!.id, reason: /prev_hash/ } }, 'a changed row with its hash recomputed breaks the link after it');
    await raw('UPDATE audit_log SET details = ?, hash = ? WHERE id = ?', [victim.details, victim.hash, victim.id]);

    const put = (r: AuditChainRow) => raw('INSERT INTO audit_log (id, actor_id, action, target, details, at, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [r.id, r.actor_id, r.action, r.target, r.details, r.at, r.prev_hash, r.hash]);
    await raw('DELETE FROM audit_log WHERE id = ?', [victim.id]);
    t.match(await verify(), { ok: false, rows: at, first_broken: { id: rows[at + 1]!.id, reason: /removed/ } }, 'a removed row breaks the link of the row after it');
    await put(victim);

    const last = rows.at(-1)!;
    await raw('DELETE FROM audit_log WHERE id = ?', [last.id]);
    t.match(await verify(), { ok: false, rows: rows.length - 1, first_broken: { id: last.id, reason: /missing/ } }, 'removing the last row is found through the head');
    await put(last);

    const first = rows[0]!;
    await raw('DELETE FROM audit_log WHERE id = ?', [first.id]);
    t.match(await verify(), { ok: false, rows: 0, first_broken: { id: rows[1]!.id, reason: /start of the log/ } }, 'so is removing the first row');
    await put(first);
    t.same(await verify(), { ok: true, rows: rows.length }, 'intact again with every row back');
  });
}
