import { appealDeadline } from './appeal-window';

describe('appealDeadline', () => {
  it.each([
    ['2026-11-25T10:00:00.000Z', '2027-05-25T10:00:00.000Z'],
    ['2026-01-15T23:59:59.999Z', '2026-07-15T23:59:59.999Z'],
    // No 31 September: the window runs over into October rather than falling short.
    ['2026-03-31T12:00:00.000Z', '2026-10-01T12:00:00.000Z'],
  ])('lets a decision of %s be appealed until %s', (decidedAt, until) => {
    expect(appealDeadline(new Date(decidedAt)).toISOString()).toBe(until);
  });

  it('does not change the date it is given', () => {
    const decidedAt = new Date('2026-11-25T10:00:00.000Z');
    appealDeadline(decidedAt);
    expect(decidedAt.toISOString()).toBe('2026-11-25T10:00:00.000Z');
  });
});
