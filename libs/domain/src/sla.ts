// Review deadlines. Regulation (EU) 2021/784 gives one hour for a removal order; imminent threats get the same;
// trusted flaggers are handled with priority (DSA Art. 22). The hours are configuration (libs/config builds the
// policy); this module only says which clock applies.
import { DomainError } from './errors';
import type { Category, Source } from './taxonomy';

export interface SlaPolicy {
  removalOrderHours: number;
  threatToLifeHours: number;
  referralUnitHours: number;
  trustedFlaggerHours: number;
  publicHours: number;
}

export const DEFAULT_SLA_POLICY: SlaPolicy = {
  removalOrderHours: 1,
  threatToLifeHours: 1,
  referralUnitHours: 1,
  trustedFlaggerHours: 24,
  publicHours: 72,
};

export interface SlaSubject {
  category: Category;
  source: Source;
  removalOrder: boolean;
}

const SOURCE_HOURS: Readonly<Record<Source, keyof SlaPolicy>> = {
  referral_unit: 'referralUnitHours',
  trusted_flagger: 'trustedFlaggerHours',
  public: 'publicHours',
};

/** Hours allowed to act on a report: the strictest of the clocks that apply to it. */
export function slaHoursFor(report: SlaSubject, policy: SlaPolicy): number {
  const applicable = [policy[SOURCE_HOURS[report.source]]];
  if (report.category === 'threat_to_life') applicable.push(policy.threatToLifeHours);
  if (report.removalOrder) applicable.push(policy.removalOrderHours);
  return Math.min(...applicable);
}

export function slaDueAt(receivedAt: Date, report: SlaSubject, policy: SlaPolicy): Date {
  if (Number.isNaN(receivedAt.getTime())) throw new DomainError('INVALID_INPUT', 'receivedAt is not a valid date');
  return new Date(receivedAt.getTime() + slaHoursFor(report, policy) * 3_600_000);
}

/**
 * The clock of a confirmed successor of a taken-down channel (API.md: "gets the SLA of a removal order"), running from
 * `startedAt` — the confirmation, or the first report triage sees once the link is confirmed.
 */
export function confirmedSuccessorClock(startedAt: Date, policy: SlaPolicy): { startedAt: Date; dueAt: Date } {
  return { startedAt, dueAt: new Date(startedAt.getTime() + policy.removalOrderHours * 3_600_000) };
}

/** At most this share of its window left, a case's SLA is at risk (API.md "SLA clocks"). */
export const SLA_AT_RISK_SHARE = 0.25;

/** Where a case's SLA clock stands: in time, at risk, or overdue. */
export type SlaState = 'ok' | 'at_risk' | 'breached';

/** The moment a clock running from `startedAt` to `dueAt` has a quarter of its window left. */
export function slaAtRiskAt(startedAt: Date, dueAt: Date): Date {
  const window = Math.max(0, dueAt.getTime() - startedAt.getTime());
  return new Date(dueAt.getTime() - window * SLA_AT_RISK_SHARE);
}

export function slaStateAt(startedAt: Date, dueAt: Date, now: Date): SlaState {
  if (now.getTime() > dueAt.getTime()) return 'breached';
  return now.getTime() >= slaAtRiskAt(startedAt, dueAt).getTime() ? 'at_risk' : 'ok';
}

/** When the clock next changes state after `state`: null once it is overdue (nothing follows). */
export function slaNextCheckAt(state: SlaState, startedAt: Date, dueAt: Date): Date | null {
  if (state === 'ok') return slaAtRiskAt(startedAt, dueAt);
  // Overdue is strictly after the deadline (a decision exactly at it is in time): the next millisecond.
  if (state === 'at_risk') return new Date(dueAt.getTime() + 1);
  return null;
}
