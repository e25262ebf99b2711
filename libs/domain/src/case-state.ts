// The case life cycle (DESIGN §4) as data. Every service moves a case through nextCaseStatus, so an illegal move is
// refused in one place (ILLEGAL_TRANSITION → 409). Who may make a move (e.g. only a senior moderator or an admin
// may claim an escalated case; four eyes on appeals) is checked by the use-case, not here.
import { DomainError } from './errors';
import type { CaseStatus, DecisionAction } from './taxonomy';

export const CASE_EVENTS = [
  'claim',
  'release',
  'lease_expired',
  'decide_takedown',
  'decide_restrict',
  'decide_no_violation',
  'escalate',
  'return_to_senior',
  'close',
  'appeal',
  'resolve_upheld',
  'resolve_reversed',
] as const;
export type CaseEvent = (typeof CASE_EVENTS)[number];

export const CASE_TRANSITIONS: Readonly<Record<CaseStatus, Partial<Record<CaseEvent, CaseStatus>>>> = Object.freeze({
  open: { claim: 'in_review' },
  in_review: {
    release: 'open',
    lease_expired: 'open',
    decide_takedown: 'decided',
    decide_restrict: 'decided',
    decide_no_violation: 'decided',
    escalate: 'escalated',
    // An escalated case whose senior reviewer releases it (or lets the lease lapse) goes back to the seniors' queue.
    return_to_senior: 'escalated',
  },
  escalated: { claim: 'in_review' },
  decided: { close: 'closed', appeal: 'appealed' },
  closed: { appeal: 'appealed' },
  // The reporter and the channel owner may each appeal one decision, so a second appeal can arrive while one is open.
  appealed: { appeal: 'appealed', resolve_upheld: 'closed', resolve_reversed: 'closed' },
});

const DECISION_EVENTS: Readonly<Record<DecisionAction, CaseEvent>> = {
  takedown: 'decide_takedown',
  restrict: 'decide_restrict',
  no_violation: 'decide_no_violation',
  escalate: 'escalate',
};

function target(from: CaseStatus, event: CaseEvent): CaseStatus | undefined {
  const moves = Object.hasOwn(CASE_TRANSITIONS, from) ? CASE_TRANSITIONS[from] : undefined;
  return moves && Object.hasOwn(moves, event) ? moves[event] : undefined;
}

export function canTransition(from: CaseStatus, event: CaseEvent): boolean {
  return target(from, event) !== undefined;
}

/** The status after `event`; throws ILLEGAL_TRANSITION when the life cycle has no such move. */
export function nextCaseStatus(from: CaseStatus, event: CaseEvent): CaseStatus {
  const to = target(from, event);
  if (to === undefined) throw new DomainError('ILLEGAL_TRANSITION', `cannot ${event} a case that is ${from}`);
  return to;
}

/** The case event a moderator's decision makes. */
export function decisionEvent(action: DecisionAction): CaseEvent {
  return DECISION_EVENTS[action];
}

/** What a deciding action makes of its case's reports, as their reporters are told: acted on, or no violation. */
export function reportStatusAfter(action: Exclude<DecisionAction, 'escalate'>): 'action_taken' | 'no_action' {
  return action === 'no_violation' ? 'no_action' : 'action_taken';
}

/** Where a case goes when its reviewer lets go of it: back to the queue it was claimed from. */
export function unclaimEvent(escalated: boolean, how: 'release' | 'lease_expired'): CaseEvent {
  return escalated ? 'return_to_senior' : how;
}
