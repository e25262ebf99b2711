// What the console makes of an API error (API.md: `{statusCode, error, message: string | string[]}`): one sentence
// for the page, and validation messages put next to the field they name.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly messages: string[],
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(messages.join('; ') || `HTTP ${status}`);
  }
}

/** A request that never got an answer (offline, server down). */
export class NetworkError extends Error {}

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

export function errorMessages(body: unknown): string[] {
  if (body && typeof body === 'object' && 'message' in body) {
    const message = (body as { message: unknown }).message;
    if (Array.isArray(message)) return message.map(String);
    if (typeof message === 'string') return [message];
  }
  if (body && typeof body === 'object' && 'errorId' in body) return [String((body as { errorId: unknown }).errorId)];
  return [];
}

/** The answer's body, or an ApiError for a 4xx/5xx. */
export async function unwrap<T>(call: Promise<FetchResult<T>>): Promise<T> {
  let result: FetchResult<T>;
  try {
    result = await call;
  } catch (error) {
    throw new NetworkError(String(error));
  }
  const { data, error, response } = result;
  if (!response.ok) {
    const retryAfter = Number(response.headers.get('retry-after'));
    throw new ApiError(
      response.status,
      errorMessages(error),
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
    );
  }
  return data as T;
}

export interface FieldErrors<F extends string> {
  fields: Partial<Record<F, string[]>>;
  /** Messages that name no field of the form. */
  general: string[];
}

/**
 * class-validator's messages start with the property's name (`description must be longer…`, `evidenceUrls.0 must
 * be a URL…`); each goes to that field when the form has it. `fallback` takes the others of a 400 when the form
 * knows which field the server's own checks concern (the report form: the channel the server could not recognise).
 */
export function mapFieldErrors<F extends string>(error: unknown, fields: readonly F[], fallback?: F): FieldErrors<F> {
  const result: FieldErrors<F> = { fields: {}, general: [] };
  if (!(error instanceof ApiError) || error.status !== 400) return result;
  for (const message of error.messages) {
    const name = /^([A-Za-z]+)(?:\.\d+)?\b/.exec(message)?.[1];
    const field = fields.find((candidate) => candidate === name) ?? fallback;
    if (field) (result.fields[field] ??= []).push(message);
    else result.general.push(message);
  }
  return result;
}

type Translate = (
  key:
    | 'error.network'
    | 'error.rateLimited'
    | 'error.forbidden'
    | 'error.notFound'
    | 'error.conflict'
    | 'error.server'
    | 'common.error',
  params?: Record<string, string | number>,
) => string;

/** One sentence for an error of any kind, in the page's language (the server's own words where it gave some). */
export function describeError(error: unknown, t: Translate): string {
  if (error instanceof NetworkError) return t('error.network');
  if (!(error instanceof ApiError)) return t('common.error', { message: String(error) });
  const message = error.messages.join(' ');
  if (error.status === 429) return t('error.rateLimited', { seconds: error.retryAfterSeconds ?? 60 });
  if (error.status === 403) return message ? `${t('error.forbidden')} (${message})` : t('error.forbidden');
  if (error.status === 404) return t('error.notFound');
  if (error.status === 409) return t('error.conflict', { message });
  if (error.status >= 500) return t('error.server', { status: error.status, message });
  return message || t('common.error', { message: `HTTP ${error.status}` });
}
