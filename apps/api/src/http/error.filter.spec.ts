import { ArgumentsHost, HttpException, Logger } from '@nestjs/common';
import { DomainError } from '@vigil/domain';
import { ErrorFilter } from './error.filter';

function capture(exception: unknown) {
  const sent: { status?: number; headers: Record<string, string>; body?: any } = { headers: {} };
  const reply = {
    header: (name: string, value: string) => ((sent.headers[name] = value), reply),
    status: (code: number) => ((sent.status = code), reply),
    send: (body: unknown) => ((sent.body = body), reply),
  };
  const host = {
    switchToHttp: () => ({ getResponse: () => reply, getRequest: () => ({ method: 'POST', url: '/v1/reports' }) }),
  } as unknown as ArgumentsHost;
  new ErrorFilter().catch(exception, host);
  return sent;
}

describe('ErrorFilter', () => {
  let logged: jest.SpyInstance;
  beforeEach(() => {
    logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => logged.mockRestore());

  it('answers an unexpected error with a bare 500 and an error id, never its message or stack', () => {
    const error = new Error('relation "secret_table" does not exist');
    const sent = capture(error);
    expect(sent.status).toBe(500);
    expect(sent.body).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'Internal server error',
      errorId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    const text = JSON.stringify(sent.body);
    expect(text).not.toContain('secret_table');
    expect(text).not.toMatch(/\bat .*\.(ts|js):\d+/);
    expect(text).not.toContain('stack');
    // The details go to the log under the same id.
    expect(logged).toHaveBeenCalledWith(expect.stringContaining(sent.body.errorId));
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('secret_table'));
  });

  it('treats thrown non-errors the same way', () => {
    expect(capture('a string').body).toMatchObject({ statusCode: 500, message: 'Internal server error' });
    expect(capture(undefined).body).toMatchObject({ statusCode: 500 });
  });

  it('sets Retry-After from a rate-limited domain error', () => {
    const sent = capture(new DomainError('RATE_LIMITED', 'too many reports', { retryAfterSeconds: 42 }));
    expect(sent.status).toBe(429);
    expect(sent.headers['retry-after']).toBe('42');
    expect(sent.body).toEqual({ statusCode: 429, error: 'Too Many Requests', message: 'too many reports' });
  });

  it('sets no Retry-After on other domain errors', () => {
    const sent = capture(new DomainError('FORBIDDEN', 'no'));
    expect(sent.status).toBe(403);
    expect(sent.headers).toEqual({});
  });

  it('keeps an HTTP exception’s status and message', () => {
    const sent = capture(new HttpException({ message: ['name must be a string'] }, 400));
    expect(sent.body).toEqual({ statusCode: 400, error: 'Bad Request', message: ['name must be a string'] });
  });
});
