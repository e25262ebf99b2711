// Reporter reputation (DSA Art. 23): a reporter — a pseudonymous member of the public or an API key — whose reports
// are mostly found to show no violation loses priority points, is warned, and if it goes on is suspended from
// reporting for a while. Counted per decided case, not per report: ten copies of one report are one judgement.

export interface ReputationPolicy {
  /** Decided cases before a track record counts at all: a newcomer is neutral. */
  minDecidedCases: number;
  /** Share of decided cases dismissed (`no_violation`) from which a reporter is warned, then suspended. */
  dismissedShare: number;
  /** Further dismissals after a warning (or after a suspension) before the next suspension. */
  graceDismissals: number;
  suspensionHours: number;
}

export const DEFAULT_REPUTATION_POLICY: ReputationPolicy = {
  minDecidedCases: 5,
  dismissedShare: 0.8,
  graceDismissals: 3,
  suspensionHours: 168,
};

/** At most this many points are taken from a case for its reporters' record. */
export const REPUTATION_MAX_PENALTY = 20;

/** Below this share of dismissed cases there is no penalty; from it up to 100 % the penalty grows linearly. */
export const REPUTATION_PENALTY_FROM_SHARE = 0.5;

export interface ReporterTrack {
  decidedCases: number;
  dismissedCases: number;
}

export interface ReporterStanding extends ReporterTrack {
  warnedAt: Date | null;
  /** `dismissedCases` when the reporter was last warned or suspended: grace counts from there. */
  dismissedAtLastStep: number;
  suspendedUntil: Date | null;
}

export type StandingStep = { step: 'warn' } | { step: 'suspend'; until: Date } | null;

export function dismissedShare(track: ReporterTrack): number {
  return track.decidedCases === 0 ? 0 : track.dismissedCases / track.decidedCases;
}

/** Points (≤ 0) one reporter's record is worth; 0 until the record is long enough to mean something. */
export function reputationPoints(track: ReporterTrack, policy: ReputationPolicy): number {
  if (track.decidedCases < policy.minDecidedCases) return 0;
  const excess = dismissedShare(track) - REPUTATION_PENALTY_FROM_SHARE;
  if (excess <= 0) return 0;
  // `|| 0` turns -0 into 0.
  return -Math.round((REPUTATION_MAX_PENALTY * excess) / (1 - REPUTATION_PENALTY_FROM_SHARE)) || 0;
}

/**
 * A case's reputation points: those of its most credible reporter. One reporter in good standing (or a newcomer)
 * is enough for the case to lose nothing; only a case reported solely by discredited reporters is marked down.
 */
export function caseReputationPoints(tracks: readonly ReporterTrack[], policy: ReputationPolicy): number {
  if (tracks.length === 0) return 0;
  return Math.max(...tracks.map((track) => reputationPoints(track, policy)));
}

export function isSuspended(standing: Pick<ReporterStanding, 'suspendedUntil'>, now: Date): boolean {
  return standing.suspendedUntil !== null && standing.suspendedUntil > now;
}

/**
 * What happens to a reporter after a decided case was added to its record: a first warning once the dismissed share
 * reaches the policy's threshold, and a suspension once `graceDismissals` more cases were dismissed after it (and
 * again after each suspension). Never a suspension without a warning first.
 */
export function nextStandingStep(standing: ReporterStanding, policy: ReputationPolicy, now: Date): StandingStep {
  if (standing.decidedCases < policy.minDecidedCases) return null;
  if (dismissedShare(standing) < policy.dismissedShare) return null;
  if (standing.warnedAt === null) return { step: 'warn' };
  if (isSuspended(standing, now)) return null;
  if (standing.dismissedCases - standing.dismissedAtLastStep < policy.graceDismissals) return null;
  return { step: 'suspend', until: new Date(now.getTime() + policy.suspensionHours * 3_600_000) };
}
