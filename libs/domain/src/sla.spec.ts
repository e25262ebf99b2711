import { DEFAULT_SLA_POLICY, slaDueAt, slaHoursFor, type SlaPolicy } from './sla';
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
