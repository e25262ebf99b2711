import {
  CASE_EVENTS,
  CASE_TRANSITIONS,
  canTransition,
  type CaseEvent,
  decisionEvent,
  nextCaseStatus,
  reportStatusAfter,
  unclaimEvent,
} from './case-state';
import { DomainError } from './errors';
import { CASE_STATUSES, type CaseStatus, DECISION_ACTIONS } from './taxonomy';

const ALLOWED: ReadonlyArray<[CaseStatus, CaseEvent, CaseStatus]> = [
  ['open', 'claim', 'in_review'],
  ['in_review', 'release', 'open'],
  ['in_review', 'lease_expired', 'open'],
  ['in_review', 'decide_takedown', 'decided'],
  ['in_review', 'decide_restrict', 'decided'],
  ['in_review', 'decide_no_violation', 'decided'],
  ['in_review', 'escalate', 'escalated'],
  ['in_review', 'return_to_senior', 'escalated'],
  ['escalated', 'claim', 'in_review'],
  ['decided', 'close', 'closed'],
  ['decided', 'appeal', 'appealed'],
  ['closed', 'appeal', 'appealed'],
  ['appealed', 'appeal', 'appealed'],
  ['appealed', 'resolve_upheld', 'closed'],
  ['appealed', 'resolve_reversed', 'closed'],
];

const isAllowed = (from: CaseStatus, event: CaseEvent): boolean => ALLOWED.some(([f, e]) => f === from && e === event);
const FORBIDDEN = CASE_STATUSES.flatMap((from) =>
  CASE_EVENTS.filter((event) => !isAllowed(from, event)).map((event) => [from, event] as const),
);

describe('case life cycle', () => {
  it.each(ALLOWED)('moves a %s case on %s to %s', (from, event, to) => {
    expect(canTransition(from, event)).toBe(true);
    expect(nextCaseStatus(from, event)).toBe(to);
  });

  it('covers every status and event pair, allowed or forbidden', () => {
    expect(ALLOWED.length + FORBIDDEN.length).toBe(CASE_STATUSES.length * CASE_EVENTS.length);
  });

  it.each(FORBIDDEN)('refuses to move a %s case on %s', (from, event) => {
    expect(canTransition(from, event)).toBe(false);
    let error: unknown;
    try {
      nextCaseStatus(from, event);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({
      code: 'ILLEGAL_TRANSITION',
      message: `cannot ${event} a case that is ${from}`,
      status: 409,
    });
  });

  it('holds exactly the allowed moves in CASE_TRANSITIONS', () => {
    const inTable = Object.entries(CASE_TRANSITIONS).flatMap(([from, moves]) =>
      Object.entries(moves).map(([event, to]) => [from, event, to]),
    );
    expect(inTable).toHaveLength(ALLOWED.length);
    expect(inTable).toEqual(expect.arrayContaining(ALLOWED.map((move) => [...move])));
  });

  it('has a transition table entry for every status', () => {
    expect(Object.keys(CASE_TRANSITIONS).sort()).toEqual([...CASE_STATUSES].sort());
  });

  it('leaves every unresolved case a way to a decision', () => {
    for (const status of ['open', 'in_review', 'escalated'] as const) {
      let current: CaseStatus = status;
      for (const event of ['claim', 'decide_no_violation'] as const) {
        if (canTransition(current, event)) current = nextCaseStatus(current, event);
      }
      expect(current).toBe('decided');
    }
  });

  it('refuses a status or event that is not in the vocabulary, even one named like an object property', () => {
    expect(canTransition('constructor' as CaseStatus, 'claim')).toBe(false);
    expect(canTransition('open', 'toString' as CaseEvent)).toBe(false);
    expect(() => nextCaseStatus('open', '__proto__' as CaseEvent)).toThrow(DomainError);
  });
});

describe('decisionEvent', () => {
  it.each([
    ['takedown', 'decide_takedown'],
    ['restrict', 'decide_restrict'],
    ['no_violation', 'decide_no_violation'],
    ['escalate', 'escalate'],
  ] as const)('maps the decision %s to the event %s', (action, event) => {
    expect(decisionEvent(action)).toBe(event);
  });

  it('maps every decision to a move an in-review case can make', () => {
    for (const action of DECISION_ACTIONS) expect(canTransition('in_review', decisionEvent(action))).toBe(true);
  });
});

describe('reportStatusAfter', () => {
  it.each([
    ['takedown', 'action_taken'],
    ['restrict', 'action_taken'],
    ['no_violation', 'no_action'],
  ] as const)('gives the reports of a case decided %s the status %s', (action, status) => {
    expect(reportStatusAfter(action)).toBe(status);
  });
});

describe('unclaimEvent', () => {
  it('returns a released or expired case to the open queue', () => {
    expect(nextCaseStatus('in_review', unclaimEvent(false, 'release'))).toBe('open');
    expect(nextCaseStatus('in_review', unclaimEvent(false, 'lease_expired'))).toBe('open');
  });

  it('returns an escalated case to the seniors’ queue', () => {
    expect(nextCaseStatus('in_review', unclaimEvent(true, 'release'))).toBe('escalated');
    expect(nextCaseStatus('in_review', unclaimEvent(true, 'lease_expired'))).toBe('escalated');
  });
});
