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

/** Serves the web client's files from memory (they are small), gzipped once. */
export class StaticFiles {
  private cache = new Map<string, StaticFile | null>();

  constructor(private readonly root: string) {}

  get(urlPath: string): StaticFile | null {
    const rel = urlPath === '/' ? '/index.html' : urlPath;
    if (this.cache.has(rel)) return this.cache.get(rel)!;
    const full = normalize(join(this.root, rel));
    let file: StaticFile | null = null;
    if (full.startsWith(this.root + sep) && existsSync(full) && statSync(full).isFile()) {
      const body = readFileSync(full);
      const type = TYPES[extname(full)] ?? 'application/octet-stream';
      file = { body, type, gzip: /text|json|svg|javascript/.test(type) && body.length > 512 ? gzipSync(body) : null };
    }
    this.cache.set(rel, file);
    return file;
  }
}
