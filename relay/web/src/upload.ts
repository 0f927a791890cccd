import type { ErrorBody } from '../../../shared/errors.js';
import type { FileView } from '../../../shared/protocol/types.js';

/** A refused or failed upload, with the server's coded error when there was one. */
export interface UploadError { code: string; message: string; details?: unknown }

/**
 * POST /api/v1/files with progress (fetch reports none for request bodies, so this one uses XMLHttpRequest).
 * Resolves with the stored file; rejects with the server's coded error.
 */
export function uploadWithProgress(base: string, token: string, file: File, onProgress: (done: number) => void): Promise<FileView> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${base.replace(/\/$/, '')}/api/v1/files?name=${encodeURIComponent(file.name)}`);
    xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.setRequestHeader('content-type', file.type || 'application/octet-stream');
    xhr.upload.onprogress = (e) => { if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total); };
    xhr.onerror = () => reject({ code: 'SB_CENTRAL_UNAVAILABLE', message: 'network error' } satisfies UploadError);
    xhr.onload = () => {
      let body: unknown = null;
      try { body = JSON.parse(xhr.responseText); } catch { /* not JSON: reported by its status below */ }
      if (xhr.status >= 200 && xhr.status < 300) { resolve(body as FileView); return; }
      const err = (body as { error?: ErrorBody } | null)?.error;
      reject(err ? { code: err.code, message: err.message, details: err.details } satisfies UploadError : { code: 'SB_INTERNAL', message: `HTTP ${xhr.status}` });
    };
    xhr.send(file);
  });
}
