// Domain errors carry a code; the API's exception filter maps each code to one HTTP status (see DOMAIN_ERROR_STATUS).

export const DOMAIN_ERROR_STATUS = {
  CHANNEL_UNRECOGNISED: 400,
  INVALID_INPUT: 400,
  INVALID_CURSOR: 400,
  NOT_AUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  IDEMPOTENCY_KEY_REUSED: 409,
  EMAIL_TAKEN: 409,
  ILLEGAL_TRANSITION: 409,
  CASE_NOT_LEASED_TO_YOU: 409,
  CASE_LEASED_TO_SOMEONE_ELSE: 409,
} as const;

export type DomainErrorCode = keyof typeof DOMAIN_ERROR_STATUS;

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  get status(): number {
    return DOMAIN_ERROR_STATUS[this.code];
  }
}
