/**
 * The one registry of coded errors. Every error a client, relay or CLI can see
 * is listed here with its HTTP status; docs/protocol.md documents each code.
 * Domain code throws `AppError`; transports only translate it.
 */
export const ERRORS = {
  SB_BAD_FRAME: { status: 400, message: 'Frame is not valid JSON or not an object' },
  SB_FRAME_TOO_LARGE: { status: 413, message: 'Frame or request body exceeds the size limit' },
  SB_UNKNOWN_TYPE: { status: 400, message: 'Unknown frame type or API method' },
  SB_VALIDATION: { status: 400, message: 'Input failed validation' },
  SB_UNAUTHENTICATED: { status: 401, message: 'Missing or invalid session token' },
  SB_TOKEN_EXPIRED: { status: 401, message: 'Session token has expired' },
  SB_BAD_CREDENTIALS: { status: 401, message: 'Account or password is wrong' },
  SB_USER_DISABLED: { status: 403, message: 'This account is disabled' },
  SB_FORBIDDEN: { status: 403, message: 'Not allowed' },
  SB_NOT_MEMBER: { status: 403, message: 'Not a member of this conversation' },
  SB_NOT_FOUND: { status: 404, message: 'Not found' },
  SB_CONFLICT: { status: 409, message: 'Conflicts with existing data' },
  SB_RATE_LIMITED: { status: 429, message: 'Too many requests; slow down' },
  SB_CENTRAL_UNAVAILABLE: { status: 503, message: 'Central cannot be reached; retry later' },
  SB_BUSY: { status: 503, message: 'Central is at capacity; retry shortly' },
  SB_NOT_READY: { status: 409, message: 'Authenticate first' },
  SB_INTERNAL: { status: 500, message: 'Internal error' },
  SB_DEPT_NOT_EMPTY: { status: 409, message: 'The department still has members or sub-departments' },
  SB_DEPT_CYCLE: { status: 400, message: 'A department cannot be its own ancestor' },
  SB_IMPORT_INVALID: { status: 422, message: 'The import file has problems; nothing was changed' },
  SB_MENTION_NOT_MEMBER: { status: 400, message: 'Only members of the conversation can be mentioned' },
  SB_GROUP_MUTED: { status: 403, message: 'Everyone is muted in this group; only the owner and group admins can send' },
  SB_FILE_RESTRICTED: { status: 403, message: 'An administrator\'s rule does not allow sending this file' },
  SB_GROUP_DISSOLVED: { status: 409, message: 'This group was dissolved; its history can be read, nothing more can be sent' },
  SB_READ_ONLY: { status: 403, message: 'System messages (系统消息) cannot be replied to' },
  SB_WINDOW_CLOSED: { status: 403, message: 'The time allowed for this change has passed (or the organisation turned it off)' },
  SB_RECALLED: { status: 409, message: 'That message was recalled' },
  SB_ACCOUNT_LOCKED: { status: 423, message: 'Too many failed sign-ins: this account is locked for a while (details.retry_after_ms)' },
  SB_TOTP_REQUIRED: { status: 401, message: 'Enter the code from your authenticator app' },
  SB_BAD_TOTP: { status: 401, message: 'The authenticator code is wrong or was already used' },
  SB_PASSWORD_CHANGE_REQUIRED: { status: 403, message: 'Set a new password to finish signing in (details.ticket)' },
  SB_TOTP_SETUP_REQUIRED: { status: 403, message: 'Set up an authenticator app to finish signing in (details.ticket)' },
  SB_WEAK_PASSWORD: { status: 400, message: 'The new password does not meet the password policy' },
  SB_PASSWORD_REUSED: { status: 400, message: 'The new password was used recently; choose another' },
  SB_DEVICE_NOT_ALLOWED: { status: 403, message: 'Signing in from this kind of device is not allowed for this account' },
  SB_DEVICE_APPROVAL_REQUIRED: { status: 403, message: 'A sign-in on a new device needs approval (details.ticket)' },
  SB_APPROVAL_PENDING: { status: 409, message: 'The sign-in is still waiting for approval' },
  SB_GRANT_EXCEEDS: { status: 403, message: 'A grant cannot exceed the granter\'s own permissions and scope' },
  SB_WIPED: { status: 410, message: 'This device was ordered to wipe its data (远程数据抹除); its session has ended' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: unknown;

  constructor(code: ErrorCode, message?: string, details?: unknown) {
    super(message ?? ERRORS[code].message);
    this.code = code;
    this.status = ERRORS[code].status;
    this.details = details;
  }

  toBody(): ErrorBody {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }

  static fromBody(body: ErrorBody): AppError {
    const code = body.code in ERRORS ? body.code : 'SB_INTERNAL';
    return new AppError(code, body.message, body.details);
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

/** Anything thrown becomes a coded body; unexpected errors never leak their text. */
export function toErrorBody(e: unknown): ErrorBody {
  return isAppError(e) ? e.toBody() : { code: 'SB_INTERNAL', message: ERRORS.SB_INTERNAL.message };
}
