import {
  DEFAULT_SLA_POLICY,
  slaAtRiskAt,
  slaDueAt,
  slaHoursFor,
  slaNextCheckAt,
  type SlaPolicy,
  slaStateAt,
} from './sla';
import { CATEGORIES, type Category, type Source } from './taxonomy';

describe('slaHoursFor (default policy)', () => {
  it.each<[Source, Category, boolean, number]>([
    ['public', 'propaganda', false, 72],
    ['trusted_flagger', 'propaganda', false, 24],
    ['referral_unit', 'propaganda', false, 1],
    ['public', 'threat_to_life', false, 1],
    ['trusted_flagger', 'threat_to_life', false, 1],
    ['public', 'other', true, 1],
    ['referral_unit', 'recruitment', true, 1],
    ['public', 'attack_claim', false, 72],
  ])('gives a %s report of %s (removal order: %s) %i hours', (source, category, removalOrder, hours) => {
    expect(slaHoursFor({ source, category, removalOrder }, DEFAULT_SLA_POLICY)).toBe(hours);
  });
});

describe('slaHoursFor (configured policy)', () => {
  const policy: SlaPolicy = {
    removalOrderHours: 1,
    threatToLifeHours: 2,
    referralUnitHours: 4,
    trustedFlaggerHours: 12,
    publicHours: 48,
  };

  it('uses the clock of the source when nothing stricter applies', () => {
    expect(slaHoursFor({ source: 'public', category: 'propaganda', removalOrder: false }, policy)).toBe(48);
    expect(slaHoursFor({ source: 'trusted_flagger', category: 'propaganda', removalOrder: false }, policy)).toBe(12);
    expect(slaHoursFor({ source: 'referral_unit', category: 'propaganda', removalOrder: false }, policy)).toBe(4);
  });

  it('takes the threat-to-life clock when it is stricter than the source', () => {
    expect(slaHoursFor({ source: 'referral_unit', category: 'threat_to_life', removalOrder: false }, policy)).toBe(2);
  });

  it('takes the removal-order clock when it is the strictest', () => {
    expect(slaHoursFor({ source: 'referral_unit', category: 'threat_to_life', removalOrder: true }, policy)).toBe(1);
  });

  it('keeps a source clock that is stricter than the threat-to-life clock', () => {
    const lenientThreat = { ...policy, threatToLifeHours: 100 };
    const report = { source: 'trusted_flagger', category: 'threat_to_life', removalOrder: false } as const;
    expect(slaHoursFor(report, lenientThreat)).toBe(12);
  });

  it('applies the threat-to-life clock to no other category', () => {
    for (const category of CATEGORIES.filter((c) => c !== 'threat_to_life')) {
      expect(slaHoursFor({ source: 'public', category, removalOrder: false }, policy)).toBe(48);
    }
  });
});

describe('slaDueAt', () => {
  const receivedAt = new Date('2024-03-01T10:15:00.000Z');

  it('adds the SLA hours to the time the report was received', () => {
    expect(slaDueAt(receivedAt, { source: 'public', category: 'propaganda', removalOrder: false }, DEFAULT_SLA_POLICY))
      .toEqual(new Date('2024-03-04T10:15:00.000Z'));
    expect(slaDueAt(receivedAt, { source: 'referral_unit', category: 'other', removalOrder: true }, DEFAULT_SLA_POLICY))
      .toEqual(new Date('2024-03-01T11:15:00.000Z'));
  });

  it('supports fractional hours', () => {
    const policy = { ...DEFAULT_SLA_POLICY, removalOrderHours: 0.5 };
    expect(slaDueAt(receivedAt, { source: 'referral_unit', category: 'other', removalOrder: true }, policy))
      .toEqual(new Date('2024-03-01T10:45:00.000Z'));
  });

  it('does not change the date it is given', () => {
    const copy = new Date(receivedAt);
    slaDueAt(copy, { source: 'public', category: 'other', removalOrder: false }, DEFAULT_SLA_POLICY);
    expect(copy).toEqual(receivedAt);
  });

  it('refuses an invalid date', () => {
    expect(() =>
      slaDueAt(new Date('nope'), { source: 'public', category: 'other', removalOrder: false }, DEFAULT_SLA_POLICY),
    ).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});

describe('SLA clock states', () => {
  const start = new Date('2026-12-01T00:00:00.000Z');
  const due = new Date('2026-12-01T04:00:00.000Z');
  const at = (iso: string) => new Date(`2026-12-01T${iso}.000Z`);

  it('is at risk with a quarter of the window left, and overdue only after the deadline', () => {
    expect(slaAtRiskAt(start, due)).toEqual(at('03:00:00'));
    expect(slaStateAt(start, due, at('02:59:59'))).toBe('ok');
    expect(slaStateAt(start, due, at('03:00:00'))).toBe('at_risk');
    expect(slaStateAt(start, due, at('04:00:00'))).toBe('at_risk');
    expect(slaStateAt(start, due, new Date(due.getTime() + 1))).toBe('breached');
  });

  it('says when to look next: at the risk, just after the deadline, then never', () => {
    expect(slaNextCheckAt('ok', start, due)).toEqual(at('03:00:00'));
    expect(slaNextCheckAt('at_risk', start, due)).toEqual(new Date(due.getTime() + 1));
    expect(slaNextCheckAt('breached', start, due)).toBeNull();
  });

  it('treats a deadline before its start as a window of nothing: at risk at once', () => {
    expect(slaAtRiskAt(due, start)).toEqual(start);
    expect(slaStateAt(due, start, start)).toBe('at_risk');
  });
});
