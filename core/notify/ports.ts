/** The store ports of notify (gathered in core/ports.ts). */
/** A person's notification settings (JSON text of NotifySettings), with the position of their last change. */
export interface NotifySettingsRecord {
  user_id: number;
  settings: string;
  updated_at: number;
  pos: number;
}

export interface NotifySettingsStore {
  get(userId: number): Promise<NotifySettingsRecord | null>;
  /** Stores the settings; changed false (and no new position) when they are the same text as stored. */
  set(userId: number, settings: string, at: number): Promise<{ changed: boolean }>;
}
