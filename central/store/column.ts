import type { Column, ColumnType } from './schema.js';

/** One column of a migration's table: `column('name', 'string', { length: 64 })`. Its own module: schema.ts imports the migrations. */
export const column = (name: string, type: ColumnType, extra: Partial<Column> = {}): Column => ({ name, type, ...extra });
