import { crc32, createDeflateRaw, deflateRawSync } from 'node:zlib';

export interface ZipEntry {
  name: string;
  data: Buffer;
  deflate?: boolean;
  /** Written as the entry's uncompressed size instead of the true one: a zip that lies about what it unpacks to. */
  claimedSize?: number;
  /** Already deflated (too big to hold unpacked): the bytes and the CRC of what they unpack to. */
  deflated?: { body: Buffer; crc: number };
}

/** Deflates `times` repetitions of `chunk` without holding them all, for an entry that unpacks to far more than it weighs. */
export async function deflateRepeated(prefix: Buffer, chunk: Buffer, times: number): Promise<{ body: Buffer; crc: number }> {
  const stream = createDeflateRaw({ level: 9 });
  const parts: Buffer[] = [];
  stream.on('data', (d: Buffer) => parts.push(d));
  const ended = new Promise((resolve) => stream.on('end', resolve));
  let crc = crc32(prefix);
  stream.write(prefix);
  for (let i = 0; i < times; i++) {
    crc = crc32(chunk, crc);
    if (!stream.write(chunk)) await new Promise((ok) => stream.once('drain', ok));
  }
  stream.end();
  await ended;
  return { body: Buffer.concat(parts), crc };
}

/** A minimal zip writer (stored or deflated entries), enough to build the .xlsx packages an import must survive. */
export function zip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const deflate = e.deflate || e.deflated !== undefined;
    const body = e.deflated?.body ?? (e.deflate ? deflateRawSync(e.data) : e.data);
    const crc = e.deflated?.crc ?? crc32(e.data);
    const size = e.claimedSize ?? e.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(deflate ? 8 : 0, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(deflate ? 8 : 0, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}
