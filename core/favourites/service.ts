import { AppError } from '../../shared/errors.js';
import type { FavouritePage, FavouriteView, FileBody, TextBody } from '../../shared/protocol/types.js';
import type { Actor } from '../actor.js';
import type { Clock, EventSink, FavouriteRecord, NewFavourite, Store } from '../ports.js';

/** The favourite as the wire shows it: the copied body and where it came from. */
export function favouriteView(f: FavouriteRecord): FavouriteView {
  const source = f.src_conv_id !== null && f.src_seq !== null && f.src_sender_id !== null && f.src_at !== null
    ? { conv_id: f.src_conv_id, seq: f.src_seq, sender_id: f.src_sender_id, sender_name: f.src_sender_name, conv_title: f.src_conv_title, at: f.src_at }
    : null;
  return { id: f.id, kind: f.kind, body: JSON.parse(f.body) as TextBody | FileBody, source, created_at: f.created_at };
}

export interface FavouriteParams { conv_id?: number; seq?: number; file_id?: number }

/**
 * Favourites (收藏, docs/favourites.md): a person stars a message they can read (text or file) or a file they
 * can read, and keeps a copy of it with its source, readable whatever happens to the conversation later (a
 * file favourite keeps the file readable for its owner). Only the owner ever sees, lists or removes a
 * favourite; every change reaches all the owner's devices as an event and through sync.
 */
export class FavouritesService {
  constructor(private readonly store: Store, private readonly events: EventSink, private readonly clock: Clock) {}

  async add(actor: Actor, p: FavouriteParams): Promise<FavouriteView> {
    const hasMessage = p.conv_id !== undefined || p.seq !== undefined;
    if (hasMessage === (p.file_id !== undefined)) {
      throw new AppError('SB_VALIDATION', 'name either a message (conv_id and seq) or a file (file_id)', { field: p.file_id !== undefined ? 'file_id' : 'conv_id' });
    }
    if (hasMessage && (p.conv_id === undefined || p.seq === undefined)) {
      throw new AppError('SB_VALIDATION', `${p.conv_id === undefined ? 'conv_id' : 'seq'}: required with ${p.conv_id === undefined ? 'seq' : 'conv_id'}`,
        { field: p.conv_id === undefined ? 'conv_id' : 'seq' });
    }
    const input = p.file_id !== undefined ? await this.fromFile(actor.userId, p.file_id) : await this.fromMessage(actor.userId, p.conv_id!, p.seq!);
    const { favourite, created } = await this.store.favourites.add(input);
    const view = favouriteView(favourite);
    if (created) this.events.emit({ type: 'favourite.added', favourite: view }, [actor.userId]);
    return view;
  }

  /** Unstar: only one's own favourite (another's looks like none at all). Already removed: deleted false. */
  async remove(actor: Actor, p: { fav_id: number }): Promise<{ deleted: boolean }> {
    const r = await this.store.favourites.remove(actor.userId, p.fav_id);
    if (!r) throw new AppError('SB_NOT_FOUND', 'No such favourite');
    if (r.changed) {
      this.events.emit({ type: 'favourite.removed', id: p.fav_id }, [actor.userId]);
      // The file it kept readable may no longer be: relays drop the grants they cached.
      if (r.favourite.file_id !== null) this.events.accessRevoked([actor.userId]);
    }
    return { deleted: r.changed };
  }

  /** Newest first; `before` pages on (the last id seen); `q` searches the text and file names. */
  async list(actor: Actor, p: { before?: number; limit?: number; q?: string }): Promise<FavouritePage> {
    const limit = p.limit ?? 30;
    const query = p.q?.trim().toLowerCase() || undefined;
    const rows = await this.store.favourites.list(actor.userId, { beforeId: p.before, limit: limit + 1, query });
    return { favourites: rows.slice(0, limit).map(favouriteView), more: rows.length > limit };
  }

  /** For sync: my favourites added and removed after position `since`. */
  async changedSince(userId: number, since: number): Promise<{ favourites: FavouriteView[]; favourites_removed: number[] }> {
    const rows = await this.store.favourites.changedSince(userId, since);
    return {
      favourites: rows.filter((r) => !r.removed).map(favouriteView),
      favourites_removed: since === 0 ? [] : rows.filter((r) => r.removed).map((r) => r.id),
    };
  }

  private async fromMessage(userId: number, convId: number, seq: number): Promise<NewFavourite> {
    const [conv, member] = await Promise.all([this.store.conversations.get(convId), this.store.conversations.membership(convId, userId)]);
    // Not found and not a member look the same, so ids cannot be probed.
    if (!conv || !member || !member.active) throw new AppError('SB_NOT_MEMBER');
    const m = await this.store.conversations.messageBySeq(convId, seq);
    if (!m) throw new AppError('SB_NOT_FOUND', 'No such message');
    if (m.kind === 'system') throw new AppError('SB_VALIDATION', 'seq: a system message cannot be starred', { field: 'seq' });
    const sender = await this.store.users.byId(m.sender_id);
    const body = JSON.parse(m.body) as TextBody | FileBody;
    const isFile = 'file' in body;
    return {
      user_id: userId, source_key: `m:${convId}:${seq}`, kind: isFile ? 'file' : 'text', body: m.body,
      search_text: (isFile ? body.file.name : body.text).toLowerCase(), file_id: isFile ? body.file.id : null,
      src_conv_id: convId, src_seq: seq, src_sender_id: m.sender_id, src_sender_name: sender?.name ?? '',
      src_conv_title: conv.kind === 'group' ? conv.title : '', src_at: m.created_at, created_at: this.clock.now(),
    };
  }

  private async fromFile(userId: number, fileId: number): Promise<NewFavourite> {
    const f = await this.store.files.get(fileId);
    if (!f || !(await this.store.files.canAccess(userId, fileId))) throw new AppError('SB_NOT_FOUND', 'No such file');
    const body: FileBody = { file: { id: f.id, name: f.name, size: f.size, mime: f.mime, sha256: f.sha256 } };
    return {
      user_id: userId, source_key: `f:${fileId}`, kind: 'file', body: JSON.stringify(body), search_text: f.name.toLowerCase(), file_id: f.id,
      src_conv_id: null, src_seq: null, src_sender_id: null, src_sender_name: '', src_conv_title: '', src_at: null, created_at: this.clock.now(),
    };
  }
}
