import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from '@20minutes/s3rver';
import type { S3Origin } from '../../shared/config.js';

/** The only key pair s3rver knows; it checks SigV4 signatures made with it. */
export const S3RVER_KEY = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface TestS3 {
  endpoint: string;
  bucket: string;
  /** An origin setting for this server; `over` changes fields (e.g. a wrong secret). */
  origin(over?: Partial<S3Origin>): S3Origin;
  /** The object as anyone could fetch it (s3rver serves unsigned requests): null if absent. */
  fetchObject(key: string): Promise<Buffer | null>;
  /** Every key under `prefix`, listed the same unsigned way (up to 1,000, plenty for a test). */
  keys(prefix: string): Promise<string[]>;
  stop(): Promise<void>;
}

/** An S3-compatible server in this process, on a free loopback port, with one empty bucket. */
export async function startS3(bucket = 'sb-test'): Promise<TestS3> {
  const directory = mkdtempSync(join(tmpdir(), 'sb-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint, bucket,
    origin: (over = {}) => ({ kind: 's3', endpoint, bucket, region: 'us-east-1', ...S3RVER_KEY, forcePathStyle: true, ...over }),
    async fetchObject(key) {
      const res = await fetch(`${endpoint}/${bucket}/${key}`);
      if (res.status === 404) return null;
      if (!res.ok) throw new Error(`s3rver GET ${key}: ${res.status}`);
      return Buffer.from(await res.arrayBuffer());
    },
    async keys(prefix) {
      const res = await fetch(`${endpoint}/${bucket}?list-type=2&prefix=${encodeURIComponent(prefix)}`);
      if (!res.ok) throw new Error(`s3rver list ${prefix}: ${res.status}`);
      return [...(await res.text()).matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1]!);
    },
    async stop() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
