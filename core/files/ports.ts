/** The store ports of files (gathered in core/ports.ts). */
export interface FileRecord {
  id: number;
  sha256: string;
  size: number;
  name: string;
  mime: string;
  uploader_id: number;
  created_at: number;
  /** An image's dimensions (after its orientation tag), once a thumbnail was made; null otherwise. */
  width: number | null;
  height: number | null;
  /** The thumbnail's bytes in the BlobStore: null not tried yet, '' none can be made (not an image, unreadable, too large). */
  thumb_sha256: string | null;
  thumb_size: number | null;
}

/** What a thumbnail attempt recorded: the image's size and the thumbnail's blob, or `thumb_sha256: ''` for none. */
export type FileThumb = Pick<FileRecord, 'width' | 'height' | 'thumb_sha256' | 'thumb_size'>;

export type NewFile = Omit<FileRecord, 'id' | keyof FileThumb> & Partial<FileThumb>;

/** File metadata; the bytes live in a BlobStore, addressed by their SHA-256. */
export interface FileStore {
  create(rec: NewFile): Promise<FileRecord>;
  get(id: number): Promise<FileRecord | null>;
  /**
   * Records a thumbnail attempt, only if none was recorded (thumb_sha256 null): the first of concurrent
   * attempts wins. Returns the record as stored afterwards, or null for an unknown file.
   */
  setThumb(id: number, thumb: FileThumb): Promise<FileRecord | null>;
  /** Records that message `seq` of a conversation carries the file, which opens it to the members (idempotent). */
  attach(fileId: number, convId: number, seq: number): Promise<void>;
  /**
   * A message that carried these files was recalled: its uses go, and each file that no other message of the
   * conversation carries is closed to the conversation. Returns those files (empty when none closed).
   */
  detach(convId: number, seq: number, fileIds: number[]): Promise<number[]>;
  /** The uploader, an active member of a conversation that references the file, or someone who keeps it as a favourite. */
  canAccess(userId: number, fileId: number): Promise<boolean>;
  /** The messages of a conversation that carry files, newest first, below `beforeSeq` when given (the file library). */
  usesIn(convId: number, opts: { beforeSeq?: number; limit: number }): Promise<{ file_id: number; seq: number }[]>;
}

/** Who a file-sending rule (文件发送限制) applies to: a whole organisation, a department and below, or one person. */
export type FileRuleScope = 'org' | 'dept' | 'person';

/** An administrator's rule on what may be sent; a null field is not set here (a wider rule's applies). */
export interface FileRuleRecord {
  scope: FileRuleScope;
  target_id: number;
  /** Largest file, in bytes. */
  max_bytes: number | null;
  /** Only these types (extensions like "pdf", types like "image/*"); [] sets "any type". */
  allowed: string[] | null;
  /** Never these types. */
  blocked: string[] | null;
  updated_by: number | null;
  updated_at: number;
}

/** The file-sending rules: one per target, a small table read whole. */
export interface FileRuleStore {
  /** Every rule, ordered by scope and target. */
  list(): Promise<FileRuleRecord[]>;
  get(scope: FileRuleScope, targetId: number): Promise<FileRuleRecord | null>;
  /** Creates the target's rule or replaces it whole; returns it as stored. */
  put(rule: FileRuleRecord): Promise<FileRuleRecord>;
  /** True if there was a rule to remove. */
  remove(scope: FileRuleScope, targetId: number): Promise<boolean>;
}

/** The thumbnail maker (central provides it over an image library; the domain never decodes images). */
export interface Thumbnailer {
  /** The types it reads. */
  accepts(mime: string): boolean;
  /** A small JPEG without metadata, and the source's dimensions; throws when the image is too large or unreadable. */
  make(bytes: Buffer): Promise<{ bytes: Buffer; width: number; height: number; sourceWidth: number; sourceHeight: number }>;
}

/** Content-addressed bytes at central: a directory shared by central processes, or an S3-compatible bucket. */
export interface BlobStore {
  has(sha256: string): Promise<boolean>;
  /** Uploads arrive in parts, possibly at different central processes. */
  writePart(uploadId: string, offset: number, data: Buffer): Promise<void>;
  /** Assembles the parts; true if they hash to `sha256` and total `size` (then stored under the hash). */
  finish(uploadId: string, sha256: string, size: number): Promise<boolean>;
  read(sha256: string, offset: number, length: number): Promise<Buffer | null>;
}
