import { readFileSync, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8', '.webmanifest': 'application/manifest+json', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.txt': 'text/plain; charset=utf-8',
};

export interface StaticFile {
  body: Buffer;
  gzip: Buffer | null;
  type: string;
}

/**
 * Serves the web client's files from memory (they are small), gzipped once. Only files that exist are
 * remembered, keyed by their normalised path, so unknown URLs cost nothing lasting.
 */
export class StaticFiles {
  private cache = new Map<string, StaticFile>();

  constructor(private readonly root: string) {}

  /** Files held in memory: never more than exist under the root. */
  get size(): number {
    return this.cache.size;
  }

  get(urlPath: string): StaticFile | null {
    const rel = urlPath === '/' ? '/index.html' : urlPath;
    const full = normalize(join(this.root, rel));
    const hit = this.cache.get(full);
    if (hit) return hit;
    if (!full.startsWith(this.root + sep) || !existsSync(full) || !statSync(full).isFile()) return null;
    const body = readFileSync(full);
    const type = TYPES[extname(full)] ?? 'application/octet-stream';
    const file = { body, type, gzip: /text|json|svg|javascript/.test(type) && body.length > 512 ? gzipSync(body) : null };
    this.cache.set(full, file);
    return file;
  }
}

