import { ConfigError, loadConfig } from './config';

describe('CORS_ORIGINS', () => {
  it('is empty (CORS off) by default', () => {
    expect(loadConfig({}).corsOrigins).toEqual([]);
    expect(loadConfig({ CORS_ORIGINS: '  ' }).corsOrigins).toEqual([]);
  });

  it('reads a comma-separated list of origins', () => {
    expect(loadConfig({ CORS_ORIGINS: 'https://app.example.org, http://localhost:5173,' }).corsOrigins).toEqual([
      'https://app.example.org',
      'http://localhost:5173',
    ]);
  });

  it.each(['*', 'app.example.org', 'https://app.example.org/', 'https://app.example.org/path', 'ftp://example.org'])(
    'refuses %j, naming the variable',
    (value) => {
      let problems: string[] = [];
      try {
        loadConfig({ CORS_ORIGINS: value });
      } catch (error) {
        if (error instanceof ConfigError) problems = error.problems;
      }
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain('CORS_ORIGINS');
    },
  );
});
