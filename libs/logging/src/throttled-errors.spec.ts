import { throttledErrorLog } from './throttled-errors';

describe('throttledErrorLog', () => {
  it('logs the first error, holds back those within the interval, and counts them in the next line', () => {
    const lines: string[] = [];
    let clock = 0;
    const onError = throttledErrorLog({ warn: (line: string) => lines.push(line) }, 'Worker triage', {
      intervalMs: 30_000,
      now: () => clock,
    });
    for (clock = 0; clock < 30_000; clock += 60) onError(new Error('connect ECONNREFUSED'));
    expect(lines).toEqual(['Worker triage: connect ECONNREFUSED']);
    clock = 30_000;
    onError(new Error('connect ECONNREFUSED'));
    expect(lines).toEqual([
      'Worker triage: connect ECONNREFUSED',
      'Worker triage: connect ECONNREFUSED (499 more held back since the last)',
    ]);
  });
});
