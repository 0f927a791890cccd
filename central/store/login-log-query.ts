import type { LoginLogStore } from '../../core/ports.js';

/** The login log's filtered page, the same SQL for both backends; null when the filter matches nobody. */
export function loginLogQuery(opts: Parameters<LoginLogStore['list']>[0]): { sql: string; params: unknown[] } | null {
  if (opts.userIds !== null && opts.userIds.length === 0) return null;
  const where = ['id < ?'];
  const params: unknown[] = [opts.beforeId ?? Number.MAX_SAFE_INTEGER];
  if (opts.userIds !== null) { where.push(`user_id IN (${opts.userIds.map(() => '?').join(', ')})`); params.push(...opts.userIds); }
  if (opts.account !== undefined) { where.push('account = ?'); params.push(opts.account); }
  if (opts.result !== undefined) { where.push('result = ?'); params.push(opts.result); }
  if (opts.since !== undefined) { where.push('at >= ?'); params.push(opts.since); }
  if (opts.until !== undefined) { where.push('at < ?'); params.push(opts.until); }
  params.push(opts.limit);
  return { sql: `SELECT id, at, account, user_id, ip, device_type, device_name, result FROM login_events WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ?`, params };
}
