import { DEFAULT_REPORTING_DAYS, parseIsoTime, reportingRange } from './reporting-range';

describe('parseIsoTime', () => {
  it.each([
    ['2026-11-25', '2026-11-25T00:00:00.000Z'],
    ['2026-11-25T10:00Z', '2026-11-25T10:00:00.000Z'],
    ['2026-11-25T10:00:00Z', '2026-11-25T10:00:00.000Z'],
    ['2026-11-25T10:00:00.5Z', '2026-11-25T10:00:00.500Z'],
    ['2026-11-25T10:00:00.123456Z', '2026-11-25T10:00:00.123Z'],
    ['2026-11-25T10:00:00+01:00', '2026-11-25T09:00:00.000Z'],
    ['2026-11-25T00:30:00-0130', '2026-11-25T02:00:00.000Z'],
    ['2024-02-29T23:59:59.999Z', '2024-02-29T23:59:59.999Z'],
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
    ['0050-06-01', '0050-06-01T00:00:00.000Z'],
  ])('reads %s as %s', (raw, expected) => {
    expect(parseIsoTime(raw, 'from').toISOString()).toBe(expected);
  });

  it.each([
    ['yesterday'],
    [''],
    ['2026-11-25T10:00:00'], // no offset: the server's local time, which the caller cannot know
    ['2026-W48'],
    ['2026-329'],
    ['20261125T100000Z'],
    ['2026-02-29'],
    ['2026-02-30T00:00:00Z'],
    ['2026-13-01'],
    ['2026-11-25T24:00:00Z'],
    ['2026-11-25T10:60:00Z'],
    ['2026-11-25T10:00:00+24:00'],
    ['0000-01-01'],
    ['0001-01-01T00:00:00+01:00'], // year 0 once the offset is applied
    ['9999-12-31T23:00:00-02:00'], // year 10000
    ['+275760-09-13T00:00:00Z'],
    [' 2026-11-25'],
  ])('refuses %j as the caller’s mistake', (raw) => {
    expect(() => parseIsoTime(raw, 'from')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });

  it('names the parameter and asks for an offset when a time lacks one', () => {
    expect(() => parseIsoTime('2026-11-25T10:00:00', 'since')).toThrow(/since .*with an offset/);
  });
});

describe('reportingRange', () => {
  const now = new Date('2026-11-25T12:00:00.000Z');

  it(`covers the last ${DEFAULT_REPORTING_DAYS} days up to now when neither end is given`, () => {
    const range = reportingRange({}, now);
    expect(range).toEqual({ from: new Date('2026-10-26T12:00:00.000Z'), to: now });
  });

  it(`ends now when only from is given, and starts ${DEFAULT_REPORTING_DAYS} days before to when only to is`, () => {
    expect(reportingRange({ from: '2026-11-01' }, now)).toEqual({ from: new Date('2026-11-01T00:00:00Z'), to: now });
    expect(reportingRange({ to: '2026-11-01' }, now)).toEqual({
      from: new Date('2026-10-02T00:00:00Z'),
      to: new Date('2026-11-01T00:00:00Z'),
    });
  });

  it('refuses a range whose from is not before its to', () => {
    expect(() => reportingRange({ from: '2026-11-01', to: '2026-11-01' }, now)).toThrow(/before/);
    expect(() => reportingRange({ from: '2026-11-02', to: '2026-11-01' }, now)).toThrow(/before/);
    expect(() => reportingRange({ from: '2026-12-01' }, now)).toThrow(/before/);
  });
});
