// Domain errors carry a code; the API's exception filter maps each code to one HTTP status (see DOMAIN_ERROR_STATUS).

export const DOMAIN_ERROR_STATUS = {
  CHANNEL_UNRECOGNISED: 400,
  INVALID_INPUT: 400,
  INVALID_CURSOR: 400,
  NOT_AUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  REPORTER_SUSPENDED: 403,
  NOT_FOUND: 404,
  IDEMPOTENCY_KEY_REUSED: 409,
  EMAIL_TAKEN: 409,
  ILLEGAL_TRANSITION: 409,
  CASE_NOT_LEASED_TO_YOU: 409,
  CASE_LEASED_TO_SOMEONE_ELSE: 409,
  APPEAL_ALREADY_OPEN: 409,
  APPEAL_NOT_OPEN: 409,
  ALREADY_LINKED: 409,
  ENFORCEMENT_NOT_RETRYABLE: 409,
  EVIDENCE_LIMIT_REACHED: 409,
  GONE: 410,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  /** A dependency (Redis) did not answer in time: try again later. */
  SERVICE_UNAVAILABLE: 503,
} as const;

export type DomainErrorCode = keyof typeof DOMAIN_ERROR_STATUS;

export interface DomainErrorOptions {
  /** When the caller may try again (a 429 answers with it as `Retry-After`), in whole seconds. */
  retryAfterSeconds?: number;
}

export class DomainError extends Error {
  readonly retryAfterSeconds?: number;

  constructor(
    readonly code: DomainErrorCode,
    message: string,
    options: DomainErrorOptions = {},
  ) {
    super(message);
    this.name = 'DomainError';
    if (options.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
  }

  get status(): number {
    return DOMAIN_ERROR_STATUS[this.code];
  }
}
