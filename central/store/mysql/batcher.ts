import type { Pool, PoolConnection } from 'mysql2/promise';
import { AppError } from '../../../shared/errors.js';

export type Row = Record<string, any>;

/** What a write sees inside the shared transaction. */
export interface Tx {
  /**
   * Rows of a SELECT, or the result header of a write; several statements
   * separated by `;` give an array with one entry per statement. `last`: the
   * job writes nothing after this, so a batch of one job may commit in the
   * same round trip.
   */
  q(sql: string, params?: unknown[], opts?: { last?: boolean }): Promise<any>;
  /** The next stream position (after the job's first statement); written to the stream row when the batch commits. */
  nextPos(): number;
}

type Job = { fn: (tx: Tx) => Promise<unknown>; resolve: (v: any) => void; reject: (e: unknown) => void };
type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

const DEADLOCK = 1213;
const LOCK_WAIT_TIMEOUT = 1205;

/** Deadlock or lock-wait timeout: InnoDB gave up on the transaction, running it again is safe. */
export function isRetryable(e: unknown): boolean {
  const errno = (e as { errno?: number } | null)?.errno;
  return errno === DEADLOCK || errno === LOCK_WAIT_TIMEOUT;
}

/** The connection itself failed (the server rolls back whatever was not committed). */
function isFatal(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { fatal?: boolean }).fatal === true;
}

export function isDuplicate(e: unknown): boolean {
  return (e as { errno?: number } | null)?.errno === 1062;
}

/**
 * Group commit for MySQL/MariaDB, the same contract as the SQLite batcher.
 * Writes queued while a batch is in flight run together in one transaction,
 * each inside its own savepoint, and are acknowledged after COMMIT.
 *
 * Every batch first locks the single `stream` row. That one lock orders all
 * writers of all central processes: stream positions are handed out and
 * committed in the same order (so a reader that saw position P has seen every
 * change at or below P), a conversation's next seq is read and written under
 * it (gap-free), and since it is always the first lock taken, batches cannot
 * deadlock with each other. Deadlocks and lock-wait timeouts that do happen
 * (e.g. with an operator's own statements) roll the batch back and run it again.
 *
 * The lock is held for as few round trips as possible, since all central
 * processes wait for it: the transaction opens in the packet of the first
 * job's first statement, and a batch of one job commits in the packet of its
 * last statement. A plain group of appends is then two round trips.
 */
export class MysqlWriteBatcher {
  private queue: Job[] = [];
  private running = false;
  private closed = false;
  private idle: Promise<void> = Promise.resolve();
  private markIdle: () => void = () => {};
  private counts = { batches: 0, retries: 0 };

  constructor(private readonly pool: Pool, private readonly opts: { maxBatch?: number; maxAttempts?: number } = {}) {}

  run<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new AppError('SB_INTERNAL', 'The store is closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve, reject });
      if (!this.running) {
        this.running = true;
        this.idle = new Promise((r) => { this.markIdle = r; });
        setImmediate(() => { void this.loop(); });
      }
    });
  }

  stats(): { batches: number; retries: number } {
    return { ...this.counts };
  }

  /** Waits for queued writes to finish; later writes are refused. */
  async drain(): Promise<void> {
    this.closed = true;
    await this.idle;
  }

  private async loop(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.splice(0, this.opts.maxBatch ?? 500);
      await this.runBatch(batch);
    }
    this.running = false;
    this.markIdle();
  }

  private async runBatch(batch: Job[]): Promise<void> {
    const maxAttempts = this.opts.maxAttempts ?? 8;
    for (let attempt = 1; ; attempt++) {
      let conn: PoolConnection | null = null;
      let committing = false;
      try {
        conn = await this.pool.getConnection();
        const c = conn;
        const single = batch.length === 1;
        let opened = false;
        let start = 0;
        let pos = 0;
        let committed = false;
        // A job's savepoint rides along with its first statement; a job that wrote nothing needs no rollback.
        let savepointDue = false;
        let savepointSet = false;
        const tx: Tx = {
          q: async (sql, params, opts) => {
            const before: string[] = [];
            if (!opened) before.push('START TRANSACTION', 'SELECT pos FROM stream WHERE id = 1 FOR UPDATE');
            if (savepointDue) before.push('SAVEPOINT job');
            const after: string[] = [];
            const afterParams: unknown[] = [];
            if (opts?.last && single) {
              if (opened && pos !== start) { after.push('UPDATE stream SET pos = ? WHERE id = 1'); afterParams.push(pos); }
              after.push('COMMIT');
              committing = true;
            }
            if (!before.length && !after.length) return (await c.query(sql, params))[0];
            const [results] = await c.query([...before, sql, ...after].join(';\n'), [...(params ?? []), ...afterParams]);
            const list = results as unknown[];
            if (!opened) {
              opened = true;
              start = pos = Number((list[1] as Row[])[0]!.pos);
            }
            if (savepointDue) { savepointDue = false; savepointSet = true; }
            if (after.length) committed = true;
            const rest = list.slice(before.length, list.length - after.length);
            return rest.length === 1 ? rest[0] : rest;
          },
          nextPos: () => {
            if (!opened) throw new Error('nextPos() before the first statement: the stream row is not locked yet');
            return ++pos;
          },
        };
        const outcomes: Outcome[] = [];
        for (const job of batch) {
          savepointDue = !single;
          savepointSet = false;
          try {
            outcomes.push({ ok: true, value: await job.fn(tx) });
          } catch (error) {
            if (isRetryable(error) || isFatal(error)) throw error;
            if (savepointSet) await c.query('ROLLBACK TO SAVEPOINT job');
            outcomes.push({ ok: false, error });
          }
        }
        if (committed) {
          // Committed with the job's last statement.
        } else if (!opened) {
          // Nothing was read or written.
        } else if (single && !outcomes[0]!.ok) {
          await c.query('ROLLBACK');
        } else {
          committing = true;
          await c.query(pos !== start ? 'UPDATE stream SET pos = ? WHERE id = 1; COMMIT' : 'COMMIT', pos !== start ? [pos] : []);
        }
        c.release();
        this.counts.batches++;
        batch.forEach((job, i) => {
          const o = outcomes[i]!;
          if (o.ok) job.resolve(o.value);
          else job.reject(o.error);
        });
        return;
      } catch (error) {
        if (conn) {
          if (isFatal(error)) conn.destroy();
          else {
            await conn.query('ROLLBACK').catch(() => {}); // the write error is rethrown; a broken connection rolls back on close
            conn.release();
          }
        }
        // A failure during COMMIT leaves the outcome unknown: report it, the client's retry is deduplicated.
        // (A deadlock or lock-wait timeout stops a packet before its COMMIT, so that is safe to run again.)
        const again = (!committing || isRetryable(error)) && attempt < maxAttempts && (isRetryable(error) || (isFatal(error) && attempt < 3) || conn === null && attempt < 3);
        if (again) {
          this.counts.retries++;
          await new Promise((r) => setTimeout(r, Math.min(200, 5 * 2 ** attempt) * (0.5 + Math.random())));
          continue;
        }
        for (const job of batch) job.reject(error);
        return;
      }
    }
  }
}
