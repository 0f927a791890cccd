import { inflateRawSync } from 'node:zlib';
import { limitExceeded, type ImportBudget } from './limits.js';

/**
 * Just enough of ZIP to take parts out of an .xlsx: the central directory
 * lists the entries, and only the entries asked for are inflated, each capped
 * by the size its header declares (a header that understates its entry is
 * caught after that many bytes) and by what is left of the unpacked-bytes
 * budget (a header that declares too much is refused before inflating).
 */
export class ZipParts {
  private readonly entries = new Map<string, { method: number; compressed: number; size: number; local: number }>();
  private unpacked = 0;

  private constructor(private readonly bytes: Buffer, private readonly budget: ImportBudget) {}

  /** null when the bytes are not a ZIP this reader understands (not ZIP64, not encrypted). */
  static open(bytes: Buffer, budget: ImportBudget): ZipParts | null {
    const zip = new ZipParts(bytes, budget);
    return zip.readDirectory() ? zip : null;
  }

  has(name: string): boolean { return this.entries.has(name); }

  /** The entry as UTF-8 text; null when it is missing or damaged. Throws the refusal past the unpacked cap. */
  text(name: string): string | null {
    const e = this.entries.get(name);
    if (!e) return null;
    const max = this.budget.limits.maxUnpackedBytes;
    const left = max - this.unpacked;
    const over = () => limitExceeded('unpacked_bytes', max, `the workbook unpacks to more than ${max} bytes (${name})`);
    const lying = () => limitExceeded('unpacked_bytes', max, `${name} unpacks to more than the ${e.size} bytes its zip header declares`);
    if (e.size > left) throw over();
    // Inflating up to the whole budget for an entry that claims 4 KB cost 256 MB of memory and half a second per file.
    const cap = Math.min(left, e.size);
    const start = this.dataStart(e.local);
    if (start < 0 || start + e.compressed > this.bytes.length) return null;
    const data = this.bytes.subarray(start, start + e.compressed);
    let out: Buffer;
    if (e.method === 0) out = data;
    else if (e.method === 8) {
      try {
        out = inflateRawSync(data, { maxOutputLength: Math.max(1, cap) });
      } catch (err) {
        if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw cap < left ? lying() : over();
        return null; // damaged deflate data: the caller reports the file as not a workbook
      }
    } else return null;
    this.unpacked += out.length;
    if (this.unpacked > max) throw over();
    this.budget.checkClock();
    return out.toString('utf8');
  }

  private readDirectory(): boolean {
    const b = this.bytes;
    let eocd = -1;
    for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 0xffff); i--) {
      if (b.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
    }
    if (eocd < 0) return false;
    const count = b.readUInt16LE(eocd + 10);
    let p = b.readUInt32LE(eocd + 16);
    if (count === 0xffff || p === 0xffffffff) return false; // ZIP64: far beyond any workbook we accept
    for (let k = 0; k < count; k++) {
      if (p + 46 > b.length || b.readUInt32LE(p) !== 0x02014b50) return false;
      const flags = b.readUInt16LE(p + 8);
      const nameLen = b.readUInt16LE(p + 28);
      const name = b.toString('utf8', p + 46, p + 46 + nameLen).replace(/^\//, '');
      if (flags & 1) return false; // encrypted
      this.entries.set(name, {
        method: b.readUInt16LE(p + 10), compressed: b.readUInt32LE(p + 20), size: b.readUInt32LE(p + 24), local: b.readUInt32LE(p + 42),
      });
      p += 46 + nameLen + b.readUInt16LE(p + 30) + b.readUInt16LE(p + 32);
    }
    return true;
  }

  private dataStart(local: number): number {
    const b = this.bytes;
    if (local + 30 > b.length || b.readUInt32LE(local) !== 0x04034b50) return -1;
    return local + 30 + b.readUInt16LE(local + 26) + b.readUInt16LE(local + 28);
  }
}
