import fc from 'fast-check';
import { DomainError } from './errors';
import {
  CATEGORY_POINTS,
  computePriority,
  linkedActionedChannelFactor,
  mostSevereCategory,
  type PriorityInput,
  SOURCE_POINTS,
  strongestLinkedChannel,
  strongestSource,
  withFactor,
} from './priority';
import type { SlaState } from './sla';
import { CATEGORIES, SOURCES } from './taxonomy';

const base: PriorityInput = {
  topCategory: 'propaganda',
  bestSource: 'public',
  distinctReporters: 1,
  organisationMatches: [],
  maxSubscribers: null,
  removalOrder: false,
};

const points = (input: Partial<PriorityInput>, factor: string): number | undefined =>
  computePriority({ ...base, ...input }).breakdown.find((f) => f.factor === factor)?.points;

describe('computePriority', () => {
  it('explains a single public report with category and source only', () => {
    expect(computePriority(base)).toEqual({
      priority: 20,
      breakdown: [
        { factor: 'category', points: 20, detail: 'Most severe reported category: propaganda' },
        { factor: 'source', points: 0, detail: 'Reported by the public only' },
      ],
    });
  });

  it('explains a referral unit removal order on a large ISIL channel reported by many people', () => {
    const result = computePriority({
      topCategory: 'attack_claim',
      bestSource: 'referral_unit',
      distinctReporters: 12,
      organisationMatches: [{ id: 'isil', name: 'ISIL (Islamic State, Da’esh)', matched: 'داعش' }],
      maxSubscribers: 25_000,
      removalOrder: true,
    });
    expect(result.breakdown).toEqual([
      { factor: 'category', points: 40, detail: 'Most severe reported category: attack claim' },
      { factor: 'source', points: 30, detail: 'Reported by a referral unit' },
      { factor: 'distinct_reporters', points: 15, detail: '12 distinct reporters (log-scaled, capped at 15)' },
      {
        factor: 'designated_organisation',
        points: 15,
        detail: 'Names a designated organisation: ISIL (Islamic State, Da’esh) (as “داعش”)',
      },
      { factor: 'reach', points: 12, detail: '25,000 subscribers (log-scaled from 1,000, capped at 15)' },
      {
        factor: 'removal_order',
        points: 407,
        detail: 'Removal order under Regulation (EU) 2021/784: must be acted on within one hour',
      },
    ]);
    expect(result.priority).toBe(40 + 30 + 15 + 15 + 12 + 407);
  });

  it.each(CATEGORIES.map((c) => [c, CATEGORY_POINTS[c]] as const))('scores category %s at %i', (category, expected) => {
    expect(points({ topCategory: category }, 'category')).toBe(expected);
  });

  it('ranks categories by the severity order of the taxonomy', () => {
    const scores = CATEGORIES.map((c) => CATEGORY_POINTS[c]);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it.each([
    ['referral_unit', 30],
    ['trusted_flagger', 20],
    ['public', 0],
  ] as const)('scores source %s at %i', (source, expected) => {
    expect(points({ bestSource: source }, 'source')).toBe(expected);
  });

  it.each([
    [1, undefined],
    [2, 8],
    [3, 13],
    [4, 15],
    [8, 15],
    [10_000, 15],
  ])('scores %i distinct reporters at %s points (log-scaled, capped at 15)', (n, expected) => {
    expect(points({ distinctReporters: n }, 'distinct_reporters')).toBe(expected);
  });

  it.each([
    [null, undefined],
    [0, undefined],
    [999, undefined],
    [1_000, 5],
    [10_000, 10],
    [100_000, 15],
    [50_000_000, 15],
  ])('scores a reach of %s subscribers at %s points (none below 1,000, capped at 15)', (subscribers, expected) => {
    expect(points({ maxSubscribers: subscribers }, 'reach')).toBe(expected);
  });

  it('adds 15 once for designated organisations, naming each of them', () => {
    const result = computePriority({
      ...base,
      organisationMatches: [
        { id: 'isil', name: 'ISIL', matched: 'Daesh' },
        { id: 'al_qaida', name: 'Al-Qaida', matched: 'القاعدة' },
        { id: 'isil', name: 'ISIL', matched: 'Daesh' },
      ],
    });
    expect(result.breakdown.find((f) => f.factor === 'designated_organisation')).toEqual({
      factor: 'designated_organisation',
      points: 15,
      detail: 'Names a designated organisation: ISIL (as “Daesh”); Al-Qaida (as “القاعدة”)',
    });
  });

  it('puts every referral unit removal order above every case without one', () => {
    const worstWithout = computePriority({
      topCategory: 'threat_to_life',
      bestSource: 'referral_unit',
      distinctReporters: 1_000_000,
      organisationMatches: [{ id: 'isil', name: 'ISIL', matched: 'ISIS' }],
      maxSubscribers: 1e9,
      removalOrder: false,
      linkedActionedChannel: { key: 'telegram:nashir_news', score: 1, confirmed: true },
    });
    const leastWith = computePriority({
      ...base,
      topCategory: 'other',
      bestSource: 'referral_unit',
      removalOrder: true,
    });
    expect(leastWith.priority).toBeGreaterThan(worstWithout.priority);
  });

  it('names the actioned channel a case may succeed, with points growing with the link score', () => {
    const suspected = computePriority({
      ...base,
      linkedActionedChannel: { key: 'telegram:nashir_news', score: 0.5, confirmed: false },
    });
    expect(suspected.breakdown.find((f) => f.factor === 'linked_actioned_channel')).toEqual({
      factor: 'linked_actioned_channel',
      points: 20,
      detail: 'Suspected successor of telegram:nashir_news, a channel already taken down (score 0.50)',
    });
    const confirmed = computePriority({
      ...base,
      linkedActionedChannel: { key: 'telegram:nashir_news', score: 1, confirmed: true },
    });
    expect(confirmed.priority).toBe(computePriority(base).priority + 40);
    expect(confirmed.breakdown.at(-1)?.detail).toBe('Confirmed successor of telegram:nashir_news, a channel already taken down');
    expect(computePriority({ ...base, linkedActionedChannel: null }).breakdown.map((f) => f.factor)).not.toContain(
      'linked_actioned_channel',
    );
  });

  it('never lets any number of public reporters outrank one trusted flagger reporting the same', () => {
    const brigade = computePriority({ ...base, distinctReporters: 1_000_000 });
    const flagger = computePriority({ ...base, bestSource: 'trusted_flagger' });
    expect(brigade.priority).toBeLessThan(flagger.priority);
  });

  it('takes reputation points off as a named factor, never below zero, never from a removal order', () => {
    expect(computePriority({ ...base, reporterReputationPoints: -12 })).toEqual({
      priority: 8,
      breakdown: [
        { factor: 'category', points: 20, detail: 'Most severe reported category: propaganda' },
        { factor: 'source', points: 0, detail: 'Reported by the public only' },
        {
          factor: 'reporter_reputation',
          points: -12,
          detail: 'Reported only by reporters whose earlier reports were mostly found to show no violation',
        },
      ],
    });
    expect(computePriority({ ...base, topCategory: 'other', reporterReputationPoints: -20 }).priority).toBe(0);
    const order = { ...base, bestSource: 'referral_unit' as const, removalOrder: true };
    expect(computePriority({ ...order, reporterReputationPoints: -20 })).toEqual(computePriority(order));
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses %s distinct reporters', (n) => {
    expect(() => computePriority({ ...base, distinctReporters: n })).toThrow(DomainError);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('refuses a reach of %s subscribers', (n) => {
    expect(() => computePriority({ ...base, maxSubscribers: n })).toThrow(DomainError);
  });

  describe('properties', () => {
    const input: fc.Arbitrary<PriorityInput> = fc.record({
      topCategory: fc.constantFrom(...CATEGORIES),
      bestSource: fc.constantFrom(...SOURCES),
      distinctReporters: fc.integer({ min: 1, max: 1_000_000 }),
      organisationMatches: fc.array(
        fc.record({ id: fc.constantFrom('isil', 'hamas', 'hts'), name: fc.string(), matched: fc.string() }),
        { maxLength: 3 },
      ),
      maxSubscribers: fc.option(fc.integer({ min: 0, max: 2_000_000_000 })),
      removalOrder: fc.boolean(),
      reporterReputationPoints: fc.integer({ min: -20, max: 0 }),
      linkedActionedChannel: fc.option(
        fc.record({ key: fc.constant('telegram:x_outlet'), score: fc.double({ min: 0, max: 1, noNaN: true }), confirmed: fc.boolean() }),
      ),
      incident: fc.option(fc.record({ title: fc.constant('Attack in X'), boost: fc.integer({ min: 1, max: 50 }) })),
      slaState: fc.constantFrom<SlaState>('ok', 'at_risk', 'breached'),
    });

    it('makes the priority exactly the sum of the integer points in the breakdown', () => {
      fc.assert(
        fc.property(input, (i) => {
          const { priority, breakdown } = computePriority(i);
          expect(priority).toBe(breakdown.reduce((sum, f) => sum + f.points, 0));
          for (const f of breakdown) expect(Number.isInteger(f.points)).toBe(true);
        }),
      );
    });

    it('always lists category and source first and no other factor with zero points', () => {
      fc.assert(
        fc.property(input, (i) => {
          const { breakdown } = computePriority(i);
          expect(breakdown.slice(0, 2).map((f) => f.factor)).toEqual(['category', 'source']);
          for (const f of breakdown.slice(2)) {
            if (f.factor === 'reporter_reputation') expect(f.points).toBeLessThan(0);
            else expect(f.points).toBeGreaterThan(0);
          }
          expect(new Set(breakdown.map((f) => f.factor)).size).toBe(breakdown.length);
          for (const f of breakdown) expect(f.detail).not.toBe('');
        }),
      );
    });

    it('never lowers the priority when more distinct people report', () => {
      fc.assert(
        fc.property(input, fc.integer({ min: 0, max: 1_000_000 }), (i, more) => {
          const after = computePriority({ ...i, distinctReporters: i.distinctReporters + more });
          expect(after.priority).toBeGreaterThanOrEqual(computePriority(i).priority);
        }),
      );
    });

    it('never gives a negative priority, and reputation never lifts one', () => {
      fc.assert(
        fc.property(input, (i) => {
          const { priority } = computePriority(i);
          expect(priority).toBeGreaterThanOrEqual(0);
          expect(priority).toBeLessThanOrEqual(computePriority({ ...i, reporterReputationPoints: 0 }).priority);
        }),
      );
    });

    it('puts an overdue case above every case of its source still in time, and removal orders above all the rest', () => {
      fc.assert(
        fc.property(input, input, (a, b) => {
          const late = computePriority({ ...a, slaState: 'breached' });
          const inTime = computePriority({
            ...b,
            bestSource: a.bestSource,
            removalOrder: a.removalOrder,
            slaState: b.slaState === 'breached' ? 'ok' : b.slaState,
          });
          expect(late.priority).toBeGreaterThan(inTime.priority);
          const order = computePriority({ ...a, bestSource: 'referral_unit', removalOrder: true });
          const none = computePriority({ ...b, removalOrder: false });
          expect(order.priority).toBeGreaterThan(none.priority);
        }),
      );
    });

    it('never lowers the priority when reach grows (unknown reach counts as none)', () => {
      fc.assert(
        fc.property(input, fc.integer({ min: 0, max: 2_000_000_000 }), (i, more) => {
          const after = computePriority({ ...i, maxSubscribers: (i.maxSubscribers ?? 0) + more });
          expect(after.priority).toBeGreaterThanOrEqual(computePriority(i).priority);
        }),
      );
    });
  });
});

describe('mostSevereCategory', () => {
  it('picks the most severe category', () => {
    expect(mostSevereCategory(['glorification', 'recruitment', 'other', 'propaganda'])).toBe('recruitment');
    expect(mostSevereCategory(['other', 'threat_to_life'])).toBe('threat_to_life');
    expect(mostSevereCategory(['other'])).toBe('other');
  });

  it('throws on an empty list', () => {
    expect(() => mostSevereCategory([])).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});

describe('strongestSource', () => {
  it('prefers a referral unit to a trusted flagger to the public', () => {
    expect(strongestSource(['public', 'referral_unit', 'trusted_flagger'])).toBe('referral_unit');
    expect(strongestSource(['public', 'trusted_flagger', 'public'])).toBe('trusted_flagger');
    expect(strongestSource(['public'])).toBe('public');
  });

  it('agrees with the source points', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...SOURCES), { minLength: 1 }), (sources) => {
        expect(SOURCE_POINTS[strongestSource(sources)]).toBe(Math.max(...sources.map((s) => SOURCE_POINTS[s])));
      }),
    );
  });

  it('throws on an empty list', () => {
    expect(() => strongestSource([])).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});

describe('withFactor', () => {
  const breakdown = [
    { factor: 'category', points: 20, detail: 'propaganda' },
    { factor: 'linked_actioned_channel', points: 18, detail: 'suspected' },
  ];

  it('replaces one factor and re-adds the points', () => {
    const confirmed = linkedActionedChannelFactor({ key: 'telegram:x_outlet', score: 0.45, confirmed: true });
    expect(confirmed.points).toBe(40);
    expect(withFactor(breakdown, 'linked_actioned_channel', confirmed)).toEqual({
      priority: 60,
      breakdown: [breakdown[0], confirmed],
    });
  });

  it('removes a factor, or adds one that was not there', () => {
    expect(withFactor(breakdown, 'linked_actioned_channel', null)).toEqual({ priority: 20, breakdown: [breakdown[0]] });
    const added = withFactor([breakdown[0]], 'incident', { factor: 'incident', points: 5, detail: 'x' });
    expect(added.priority).toBe(25);
  });

  it('keeps the reporters’ penalty from taking the case below 0 when a factor leaves, and the SLA clock last', () => {
    // As triage scored it: 5 + 50 earned, the -20 penalty within reach, then overdue.
    const scored = [
      { factor: 'category', points: 5, detail: 'other' },
      { factor: 'incident', points: 50, detail: 'Attack claimed tonight' },
      { factor: 'reporter_reputation', points: -20, detail: 'record' },
      { factor: 'sla_breached', points: 176, detail: 'overdue' },
    ];
    const closed = withFactor(scored, 'incident', null);
    expect(closed.breakdown.map((f) => [f.factor, f.points])).toEqual([
      ['category', 5],
      ['reporter_reputation', -5],
      ['sla_breached', 176],
    ]);
    expect(closed.priority).toBe(176);
    // A factor added after the clock still comes before it; a penalty clamped to nothing is no factor.
    const linked = withFactor(closed.breakdown, 'category', null);
    expect(linked.breakdown.map((f) => f.factor)).toEqual(['sla_breached']);
    const relinked = withFactor(linked.breakdown, 'incident', { factor: 'incident', points: 30, detail: 'again' });
    expect(relinked.breakdown.map((f) => f.factor)).toEqual(['incident', 'sla_breached']);
  });
});

describe('strongestLinkedChannel', () => {
  it('takes the highest score, a confirmed link counting as 1, and none of nothing', () => {
    const suspected = { key: 'telegram:a_outlet', score: 0.8, confirmed: false };
    const confirmed = { key: 'telegram:b_outlet', score: 0.3, confirmed: true };
    expect(strongestLinkedChannel([suspected, confirmed])).toEqual({ ...confirmed, score: 1 });
    expect(strongestLinkedChannel([suspected, { ...suspected, key: 'telegram:c_outlet', score: 0.5 }])).toEqual(suspected);
    expect(strongestLinkedChannel([])).toBeNull();
  });
});
