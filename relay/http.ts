import { randomUUID } from 'node:crypto';
import type { HttpResponse } from 'uWebSockets.js';
import { AppError, toErrorBody } from '../shared/errors.js';

/** Small helpers over uWS responses; they know nothing about the domain. */
export interface ResponseState {
  aborted: boolean;
}

/** uWS allows one abort handler per response: this is it; `onAbort` lets a route release what it holds. */
export function watchAbort(res: HttpResponse, onAbort?: () => void): ResponseState {
  const state = { aborted: false };
  res.onAborted(() => { state.aborted = true; onAbort?.(); });
  return state;
}

/** Reads the whole body, failing with SB_FRAME_TOO_LARGE past `max` bytes. */
export function readBody(res: HttpResponse, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    res.onData((chunk, isLast) => {
      if (failed) return;
      size += chunk.byteLength;
      if (size > max) {
        failed = true;
        reject(new AppError('SB_FRAME_TOO_LARGE'));
        return;
      }
      // uWS reuses the chunk's memory after this callback: copy it.
      chunks.push(Buffer.from(new Uint8Array(chunk).slice()));
      if (isLast) resolve(Buffer.concat(chunks));
    });
  });
}

const STATUS_TEXT: Record<number, string> = {
  200: '200 OK', 201: '201 Created', 204: '204 No Content', 304: '304 Not Modified', 400: '400 Bad Request', 401: '401 Unauthorized',
  403: '403 Forbidden', 404: '404 Not Found', 405: '405 Method Not Allowed', 409: '409 Conflict', 413: '413 Payload Too Large',
  429: '429 Too Many Requests', 500: '500 Internal Server Error', 503: '503 Service Unavailable',
};

export function statusLine(status: number): string {
  return STATUS_TEXT[status] ?? `${status} Status`;
}

export function send(res: HttpResponse, state: ResponseState, status: number, body: string | Buffer, headers: Record<string, string>): void {
  if (state.aborted) return;
  res.cork(() => {
    res.writeStatus(statusLine(status));
    for (const [k, v] of Object.entries(headers)) res.writeHeader(k, v);
    res.end(body);
  });
}

const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

export function sendJson(res: HttpResponse, state: ResponseState, status: number, value: unknown, headers?: Record<string, string>): void {
  send(res, state, status, JSON.stringify(value), { 'content-type': 'application/json; charset=utf-8', ...SECURITY_HEADERS, ...headers });
}

/**
 * Answers with the coded error. A fault of ours (not an AppError) becomes SB_INTERNAL carrying the request id,
 * which the caller has logged with the stack: the person reporting it can quote the id.
 */
export function sendError(res: HttpResponse, state: ResponseState, e: unknown, requestId?: string): void {
  const body = toErrorBody(e);
  const status = e instanceof AppError ? e.status : 500;
  if (body.code === 'SB_INTERNAL' && requestId) {
    body.message = `${body.message} (request ${requestId})`;
    body.details = { ...(typeof body.details === 'object' && body.details !== null ? body.details : {}), request_id: requestId };
  }
  sendJson(res, state, status, { error: body }, requestId ? { 'x-request-id': requestId } : undefined);
}

/** The client's own request id when it is a sane token, else a new one: it ties relay and central log lines. */
export function requestIdFrom(header: string): string {
  return /^[A-Za-z0-9._:-]{8,64}$/.test(header) ? header : randomUUID();
}
