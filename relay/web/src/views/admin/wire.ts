/**
 * Results of the administrator operations the console calls. In the browser build the SDK checks calls by name
 * only (shared/sdk/api.ts), so the console names the shapes it reads; shared/protocol holds most of them.
 */
import type { DeviceType, UserView } from '../../../../../shared/protocol/types.js';

export type { DevicePolicy, WipeView } from '../../../../../shared/protocol/devices.js';
export type { LoginEventView, OnlineView } from '../../../../../shared/protocol/signins.js';
export type { MessagePolicy, SessionView, TrustedDeviceView, UserView } from '../../../../../shared/protocol/types.js';

export type UserWithPassword = UserView & { password?: string };
export interface ActivationCode { user_id: number; account: string; name: string; code: string; expires_at: number }
export interface AuditRow { id: number; actor_id: number | null; actor_name: string | null; action: string; target: string; target_name: string | null; at: number }
export interface AuditExport { csv: string; rows: number; truncated: boolean }
export interface PasswordPolicy {
  min_length: number; min_classes: number; history: number; max_age_days: number; lockout_threshold: number; lockout_seconds: number;
  force_change_admin_set: boolean; totp_for_admins: boolean; activation_days: number;
}
export type RuleScope = 'org' | 'dept' | 'person';
export interface LoginRule { scope: RuleScope; target_id: number; device_types: DeviceType[] | null; approval: 'none' | 'new_device' | null }
export interface FileRule { scope: RuleScope; target_id: number; max_bytes: number | null; allowed: string[] | null; blocked: string[] | null }

/** The device types, in the order the console lists them (shared/protocol/schemas.ts has them with the schema library). */
export const DEVICE_TYPES: readonly DeviceType[] = ['web', 'desktop', 'mobile', 'cli', 'bot'];

/** The permissions a role may hold (core/roles/permissions.ts). */
export const PERMISSIONS = ['people', 'departments', 'groups', 'messages', 'devices', 'security', 'audit', 'apps'] as const;
export interface Role { id: number; name: string; permissions: string[]; builtin: boolean; holders: number }
export interface Grant { id: number; user_id: number; user_name: string; role_id: number; role_name: string; dept_ids: number[] | null; dept_names: string[] }
export interface ExportFile { id: number; name: string; mime: string; size: number; version: number }
export interface ImportReport {
  dry_run: boolean; ok: boolean; format: string; version: number; issues: { line: number; reason: string }[];
  summary: { depts_created: number; depts_updated: number; depts_deleted: number; people_created: number; people_updated: number; unchanged: number };
}
