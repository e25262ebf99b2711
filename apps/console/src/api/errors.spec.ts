import { ApiError, describeError, mapFieldErrors, NetworkError } from './errors';

const t = (key: string, params?: Record<string, string | number>) => `${key}${params ? JSON.stringify(params) : ''}`;

describe('mapFieldErrors', () => {
  const fields = ['channel', 'description', 'evidenceUrls'] as const;

  it('puts each validation message next to the field it names, array items included', () => {
    const error = new ApiError(400, [
      'description must be longer than or equal to 1 characters',
      'evidenceUrls.1 must be an http(s) URL',
      'property colour should not exist',
    ]);
    expect(mapFieldErrors(error, fields)).toEqual({
      fields: {
        description: ['description must be longer than or equal to 1 characters'],
        evidenceUrls: ['evidenceUrls.1 must be an http(s) URL'],
      },
      general: ['property colour should not exist'],
    });
  });

  it('gives the messages that name no field to the fallback field when the form has one', () => {
    const error = new ApiError(400, [
      'unsupported scheme "ftp:": only http(s) links, tg:// links and @handles are accepted',
    ]);
    expect(mapFieldErrors(error, fields, 'channel').fields.channel).toHaveLength(1);
  });

  it('maps nothing for errors that are not validation errors', () => {
    expect(mapFieldErrors(new ApiError(409, ['description conflict']), fields)).toEqual({ fields: {}, general: [] });
    expect(mapFieldErrors(new NetworkError('offline'), fields)).toEqual({ fields: {}, general: [] });
  });
});

describe('describeError', () => {
  it('explains conflicts with the server’s words, and rate limits with the wait', () => {
    expect(describeError(new ApiError(409, ['case is leased to someone else']), t)).toBe(
      'error.conflict{"message":"case is leased to someone else"}',
    );
    expect(describeError(new ApiError(429, [], 12), t)).toBe('error.rateLimited{"seconds":12}');
    expect(describeError(new NetworkError('x'), t)).toBe('error.network');
    expect(describeError(new ApiError(500, ['a1b2']), t)).toBe('error.server{"status":500,"message":"a1b2"}');
  });
});
