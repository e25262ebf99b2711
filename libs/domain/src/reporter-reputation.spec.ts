import fc from 'fast-check';
import {
  caseReputationPoints,
  DEFAULT_REPUTATION_POLICY as policy,
  nextStandingStep,
  ReporterStanding,
  reputationPoints,
} from './reporter-reputation';

const now = new Date('2026-11-25T12:00:00Z');
const standing = (overrides: Partial<ReporterStanding>): ReporterStanding => ({
  decidedCases: 10,
  dismissedCases: 0,
  warnedAt: null,
  dismissedAtLastStep: 0,
  suspendedUntil: null,
  ...overrides,
});

describe('reputationPoints', () => {
  it.each([
    [4, 4, 0], // too short a record to count, even if all dismissed
    [5, 5, -20],
    [10, 5, 0], // half dismissed: no penalty yet
    [10, 8, -12],
    [10, 10, -20],
    [100, 0, 0],
  ])('gives %i decided cases with %i dismissed %i points', (decidedCases, dismissedCases, expected) => {
    expect(reputationPoints({ decidedCases, dismissedCases }, policy)).toBe(expected);
  });

  it('never adds points and never takes more than 20', () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.nat(1000), (a, b) => {
        const points = reputationPoints({ decidedCases: Math.max(a, b), dismissedCases: Math.min(a, b) }, policy);
        expect(points).toBeLessThanOrEqual(0);
        expect(points).toBeGreaterThanOrEqual(-20);
      }),
    );
  });
});

describe('caseReputationPoints', () => {
  it('marks a case down only when every reporter is discredited (the most credible one counts)', () => {
    const discredited = { decidedCases: 10, dismissedCases: 10 };
    expect(caseReputationPoints([discredited, discredited], policy)).toBe(-20);
    expect(caseReputationPoints([discredited, { decidedCases: 0, dismissedCases: 0 }], policy)).toBe(0);
    expect(caseReputationPoints([], policy)).toBe(0);
  });
});

describe('nextStandingStep', () => {
  it('does nothing for a short record or a low dismissed share', () => {
    expect(nextStandingStep(standing({ decidedCases: 4, dismissedCases: 4 }), policy, now)).toBeNull();
    expect(nextStandingStep(standing({ decidedCases: 10, dismissedCases: 7 }), policy, now)).toBeNull();
  });

  it('warns first, once the dismissed share reaches the threshold', () => {
    expect(nextStandingStep(standing({ decidedCases: 10, dismissedCases: 8 }), policy, now)).toEqual({ step: 'warn' });
  });

  it('suspends only after the grace dismissals that follow a warning, for the policy period', () => {
    const warned = { warnedAt: now, dismissedAtLastStep: 8 };
    expect(nextStandingStep(standing({ ...warned, decidedCases: 12, dismissedCases: 10 }), policy, now)).toBeNull();
    expect(nextStandingStep(standing({ ...warned, decidedCases: 13, dismissedCases: 11 }), policy, now)).toEqual({
      step: 'suspend',
      until: new Date('2026-12-02T12:00:00Z'),
    });
  });

  it('does not suspend again during a suspension, and needs fresh grace dismissals after one', () => {
    const suspended = standing({
      warnedAt: now,
      decidedCases: 20,
      dismissedCases: 20,
      dismissedAtLastStep: 18,
      suspendedUntil: new Date(now.getTime() + 1000),
    });
    expect(nextStandingStep(suspended, policy, now)).toBeNull();
    const over = { ...suspended, suspendedUntil: new Date(now.getTime() - 1000) };
    expect(nextStandingStep(over, policy, now)).toBeNull();
    expect(nextStandingStep({ ...over, dismissedCases: 21, decidedCases: 21 }, policy, now)).toEqual({
      step: 'suspend',
      until: new Date('2026-12-02T12:00:00Z'),
    });
  });

  it('never suspends a reporter that was not warned first', () => {
    fc.assert(
      fc.property(fc.nat(500), fc.nat(500), fc.nat(500), (a, b, last) => {
        const s = standing({ decidedCases: Math.max(a, b), dismissedCases: Math.min(a, b), dismissedAtLastStep: last });
        expect(nextStandingStep(s, policy, now)?.step).not.toBe('suspend');
      }),
    );
  });
});
