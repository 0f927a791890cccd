/** The store ports of broadcasts (gathered in core/ports.ts). */
import type { ConversationRecord, MessageRecord } from '../ports.js';
export interface BroadcastRecord {
  id: number;
  sender_id: number;
  cmid: string;
  title: string;
  text: string;
  /** JSON text of the attached file's metadata, or null. */
  file: string | null;
  /** JSON text of the target as the sender named it. */
  target: string;
  total: number;
  /** How many recipients (in list order) already hold it: the fan-out's cursor. */
  delivered: number;
  created_at: number;
}

export interface NewBroadcast {
  senderId: number;
  cmid: string;
  title: string;
  text: string;
  file: string | null;
  target: string;
  /** Resolved at send time, without repeats; stored with the broadcast, in this order. */
  recipients: number[];
  at: number;
}

/** One recipient reached by a delivery batch: their system conversation and the message it got. */
export interface BroadcastDelivery {
  userId: number;
  conversation: ConversationRecord;
  message: MessageRecord;
  /** The system conversation was created by this batch (its first message). */
  createdConversation: boolean;
}

export interface BroadcastBatch {
  id: number;
  /** The cursor this batch starts from. */
  from: number;
  userIds: number[];
  /** JSON text of the message body every recipient gets. */
  body: string;
  /** Of a system conversation created on the way. */
  title: string;
  fileId: number | null;
  at: number;
}

/**
 * Broadcasts (广播消息, docs/broadcasts.md): the broadcast row with its recipient list is stored first (that
 * is the acknowledgement), then delivered in batches, each one transaction that appends to the next recipients'
 * system conversations and moves the cursor. A batch names the cursor it starts from; one that finds the
 * cursor elsewhere (a concurrent or repeated run) does nothing, so a crash mid-fan-out resumes where the last
 * committed batch ended and nobody gets it twice.
 */
export interface BroadcastStore {
  /** Stores a broadcast; a retry with the same (sender, cmid) returns the original with created false. */
  create(input: NewBroadcast): Promise<{ broadcast: BroadcastRecord; created: boolean }>;
  get(id: number): Promise<BroadcastRecord | null>;
  byCmid(senderId: number, cmid: string): Promise<BroadcastRecord | null>;
  /** The stored recipient list, in delivery order. */
  recipients(id: number): Promise<number[]>;
  /**
   * Delivers to `userIds` (the recipients from position `from` on) if the cursor is still at `from`: creates
   * missing system conversations (kind 'system', `title`), appends one 'broadcast' message each (`body`),
   * records that those conversations reference `fileId` (so recipients may fetch it), and moves the cursor by
   * userIds.length, all in one transaction. Empty deliveries when the cursor had moved (someone else ran it).
   */
  deliver(batch: BroadcastBatch): Promise<{ deliveries: BroadcastDelivery[]; delivered: number }>;
  /** Newest first; senderId limits to one sender's. */
  list(opts: { senderId?: number; beforeId?: number; limit: number }): Promise<BroadcastRecord[]>;
  /** Recipients whose read cursor has reached the broadcast's message. */
  readCount(id: number): Promise<number>;
  /** Broadcasts whose fan-out has not finished (to resume after a restart). */
  unfinished(): Promise<number[]>;
  /** Ids of enabled users (neither source disabled them) above `afterId`, ascending, at most `limit`: "everyone". */
  enabledUserIds(afterId: number, limit: number): Promise<number[]>;
}
