import { ArgumentsHost, HttpException, Logger } from '@nestjs/common';
import { DomainError } from '@vigil/domain';
import IORedis from 'ioredis';
import { Client } from 'pg';
import { QueryFailedError } from 'typeorm';
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

  describe('PostgreSQL or Redis out of reach', () => {
    let warned: jest.SpyInstance;
    beforeEach(() => {
      warned = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    });
    afterEach(() => warned.mockRestore());

    const expectOutage = (error: unknown) => {
      const sent = capture(error);
      expect(sent.status).toBe(503);
      expect(sent.headers['retry-after']).toBe('5');
      expect(sent.body).toEqual({
        statusCode: 503,
        error: 'Service Unavailable',
        message: expect.stringMatching(/briefly unavailable.*retry shortly/),
      });
      expect(logged).not.toHaveBeenCalled();
    };

    it('answers 503 when PostgreSQL refuses the connection (a real pg client, a closed port)', async () => {
      const client = new Client({ host: '127.0.0.1', port: 1, connectionTimeoutMillis: 2000 });
      const error = await client.connect().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: 'ECONNREFUSED' });
      expectOutage(error);
    });

    it('answers 503 when Redis cannot be reached (a real ioredis client, a closed port)', async () => {
      const redis = new IORedis({ host: '127.0.0.1', port: 1, maxRetriesPerRequest: 0, retryStrategy: () => null });
      redis.on('error', () => undefined);
      const error = await redis.get('x').then(
        () => null,
        (e: unknown) => e,
      );
      redis.disconnect();
      expect(error).toBeInstanceOf(Error);
      expectOutage(error);
    });

    it.each([
      ['the server shutting down', '57P01', 'terminating connection due to administrator command'],
      ['a crash restart', '57P02', 'terminating connection because of crash of another server process'],
      ['a server still starting', '57P03', 'the database system is starting up'],
      ['a broken connection', '08006', 'connection failure'],
      ['too many connections', '53300', 'sorry, too many clients already'],
    ])('answers 503 on %s, wrapped by TypeORM as it is (SQLSTATE %s)', (_what, code, message) => {
      const driverError = Object.assign(new Error(message), { code });
      expectOutage(new QueryFailedError('SELECT 1', [], driverError));
    });

    it.each(['Connection terminated unexpectedly', 'timeout exceeded when trying to connect'])(
      'answers 503 on node-postgres\'s "%s"',
      (message) => expectOutage(new Error(message)),
    );

    it('keeps 500 for a failing statement: a bug of ours, not an outage', () => {
      for (const [code, message] of [
        ['42P01', 'relation "cases" does not exist'],
        ['23505', 'duplicate key value violates unique constraint'],
      ]) {
        const sent = capture(new QueryFailedError('SELECT 1', [], Object.assign(new Error(message), { code })));
        expect(sent.status).toBe(500);
      }
    });
  });
});
