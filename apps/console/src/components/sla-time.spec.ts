import { slaRemaining } from './sla-time';

const due = '2026-12-07T12:00:00.000Z';
const at = (iso: string) => Date.parse(iso);

describe('slaRemaining', () => {
  it.each([
    ['2026-12-05T09:30:00.000Z', '2d 02h'],
    ['2026-12-07T10:55:00.000Z', '1h 05m'],
    ['2026-12-07T11:55:51.000Z', '4m 09s'],
    ['2026-12-07T11:59:59.400Z', '0m 00s'],
  ])('counts down the two largest units at %s: %s left', (now, text) => {
    expect(slaRemaining(due, at(now))).toEqual({ overdue: false, text });
  });

  it('turns overdue once the deadline has passed, counting up from it', () => {
    expect(slaRemaining(due, at('2026-12-07T12:00:00.000Z'))).toEqual({ overdue: false, text: '0m 00s' });
    expect(slaRemaining(due, at('2026-12-07T12:00:01.000Z'))).toEqual({ overdue: true, text: '0m 01s' });
    expect(slaRemaining(due, at('2026-12-07T13:03:00.000Z'))).toEqual({ overdue: true, text: '1h 03m' });
  });
});
