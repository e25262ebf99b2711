// Case priority as a sum of named factors. Every factor is stored with the case (priority_breakdown), so a moderator
// can see why a case sits where it does in the queue; change the points here and nowhere else.
import { DomainError } from './errors';
import type { OrganisationMatch } from './organisations';
import type { SlaState } from './sla';
import { CATEGORIES, type Category, type Source } from './taxonomy';

export const CATEGORY_POINTS: Readonly<Record<Category, number>> = {
  threat_to_life: 50,
  attack_claim: 40,
  recruitment: 35,
  financing: 30,
  instructional: 30,
  propaganda: 20,
  glorification: 15,
  other: 5,
};

export const SOURCE_POINTS: Readonly<Record<Source, number>> = {
  referral_unit: 30,
  trusted_flagger: 20,
  public: 0,
};

/**
 * round(perDoubling × log2(n)), at most `cap`: many people reporting one channel matters, a brigade not endlessly.
 * The cap stays below one trusted flagger's source points, so any number of anonymous reporters never outranks a
 * single vetted flagger's report of the same thing (DSA Art. 22; docs/decisions.md).
 */
export const DISTINCT_REPORTERS_POINTS = { perDoubling: 8, cap: 15 } as const;

export const DESIGNATED_ORGANISATION_POINTS = 15;

/** Nothing below `minSubscribers`; from there round(perTenfold × log10(subscribers / 100)), at most `cap`. */
export const REACH_POINTS = { minSubscribers: 1_000, perTenfold: 5, cap: 15 } as const;

/**
 * A suspected or confirmed successor of a channel already taken down: points grow with the link's score, up to this
 * for a confirmed one — as much as an attack claim, since the group is known and back.
 */
export const LINKED_ACTIONED_CHANNEL_POINTS = 40;

/** An incident's boost (API.md "Incidents"): an operator's declaration that a crisis is under way. */
export const INCIDENT_BOOST = { min: 1, max: 50 } as const;

/** A case with at most a quarter of its SLA window left. */
export const SLA_AT_RISK_POINTS = 10;

const MOST_SEVERE_POINTS = Math.max(...Object.values(CATEGORY_POINTS));
const LEAST_SEVERE_POINTS = Math.min(...Object.values(CATEGORY_POINTS));

/** The most a case of `source` can have without a removal order and without its SLA clock's factors. */
function mostWithoutOrderOrClock(source: Source): number {
  return (
    MOST_SEVERE_POINTS +
    SOURCE_POINTS[source] +
    DISTINCT_REPORTERS_POINTS.cap +
    DESIGNATED_ORGANISATION_POINTS +
    REACH_POINTS.cap +
    LINKED_ACTIONED_CHANNEL_POINTS +
    INCIDENT_BOOST.max
  );
}

/**
 * An overdue case of `source` rises above every unresolved case of its source that is not overdue (API.md "SLA
 * clocks"): one more than the most such a case can have (at risk included), since its own other factors may add up
 * to nothing (a reporter's record can take them to 0). Removal orders are their own class: above every removal order
 * not overdue, counting from the least a removal order has.
 */
export function slaBreachedPoints(source: Source, removalOrder: boolean): number {
  if (removalOrder) {
    const leastOrder = LEAST_SEVERE_POINTS + SOURCE_POINTS.referral_unit;
    return mostWithoutOrderOrClock('referral_unit') + SLA_AT_RISK_POINTS - leastOrder + 1;
  }
  return mostWithoutOrderOrClock(source) + SLA_AT_RISK_POINTS + 1;
}

/**
 * A removal order under Regulation (EU) 2021/784 must be acted on within one hour. Removal orders come from referral
 * units, so such a case has at least the least severe category's points, a referral unit's and these (reputation does
 * not apply to it), one more than a case without an order can reach with every factor at its most, an overdue
 * referral unit's case included: removal orders always come first.
 */
export const REMOVAL_ORDER_POINTS =
  mostWithoutOrderOrClock('referral_unit') +
  slaBreachedPoints('referral_unit', false) -
  (LEAST_SEVERE_POINTS + SOURCE_POINTS.referral_unit) +
  1;

export interface PriorityFactor {
  factor: string;
  points: number;
  detail: string;
}

export interface PriorityInput {
  /** The most severe category among the case's reports. */
  topCategory: Category;
  /** The strongest source among the case's reports: referral_unit > trusted_flagger > public. */
  bestSource: Source;
  /** At least 1. */
  distinctReporters: number;
  organisationMatches: OrganisationMatch[];
  /** Reach; null when unknown. */
  maxSubscribers: number | null;
  /** A referral unit's removal order under Regulation (EU) 2021/784. */
  removalOrder: boolean;
  /** ≤ 0: the record of the case's most credible reporter (`caseReputationPoints`); 0 when unknown. */
  reporterReputationPoints?: number;
  /** The strongest link of the case's channel to an actioned channel it may succeed; absent when none. */
  linkedActionedChannel?: LinkedActionedChannel | null;
  /** The strongest active incident the case matches; absent when none. */
  incident?: IncidentBoost | null;
  /** Where the case's SLA clock stands; `ok` (no factor) when absent. */
  slaState?: SlaState;
}

export interface IncidentBoost {
  title: string;
  /** INCIDENT_BOOST.min to .max. */
  boost: number;
}


export interface LinkedActionedChannel {
  /** The actioned channel's key, e.g. `telegram:nashir_news`. */
  key: string;
  /** In [0, 1]; 1 for a link a moderator confirmed. */
  score: number;
  confirmed: boolean;
}

export interface Priority {
  priority: number;
  breakdown: PriorityFactor[];
}

const CATEGORY_LABELS: Readonly<Record<Category, string>> = {
  threat_to_life: 'threat to life',
  attack_claim: 'attack claim',
  recruitment: 'recruitment',
  financing: 'terrorist financing',
  instructional: 'instructional material',
  propaganda: 'propaganda',
  glorification: 'glorification',
  other: 'other',
};

const SOURCE_DETAILS: Readonly<Record<Source, string>> = {
  referral_unit: 'Reported by a referral unit',
  trusted_flagger: 'Reported by a trusted flagger',
  public: 'Reported by the public only',
};

/** Weakest to strongest. */
const SOURCE_STRENGTH: readonly Source[] = ['public', 'trusted_flagger', 'referral_unit'];

export function computePriority(input: PriorityInput): Priority {
  const { topCategory, bestSource, distinctReporters, organisationMatches, maxSubscribers, removalOrder } = input;
  if (!Number.isInteger(distinctReporters) || distinctReporters < 1) {
    throw new DomainError('INVALID_INPUT', `distinctReporters must be a whole number ≥ 1, got ${distinctReporters}`);
  }
  if (maxSubscribers !== null && !(Number.isFinite(maxSubscribers) && maxSubscribers >= 0)) {
    throw new DomainError('INVALID_INPUT', `maxSubscribers must be null or a finite number ≥ 0, got ${maxSubscribers}`);
  }

  const breakdown: PriorityFactor[] = [
    {
      factor: 'category',
      points: CATEGORY_POINTS[topCategory],
      detail: `Most severe reported category: ${CATEGORY_LABELS[topCategory]}`,
    },
    { factor: 'source', points: SOURCE_POINTS[bestSource], detail: SOURCE_DETAILS[bestSource] },
  ];
  const optional = (factor: string, points: number, detail: string): void => {
    if (points !== 0) breakdown.push({ factor, points, detail });
  };

  const reporters = DISTINCT_REPORTERS_POINTS;
  optional(
    'distinct_reporters',
    Math.min(reporters.cap, Math.round(reporters.perDoubling * Math.log2(distinctReporters))),
    `${formatCount(distinctReporters)} distinct reporters (log-scaled, capped at ${reporters.cap})`,
  );

  const organisations = [...new Map(organisationMatches.map((m) => [m.id, m])).values()];
  optional(
    'designated_organisation',
    organisations.length > 0 ? DESIGNATED_ORGANISATION_POINTS : 0,
    `Names a designated organisation: ${organisations.map((m) => `${m.name} (as “${m.matched}”)`).join('; ')}`,
  );

  const reach = REACH_POINTS;
  if (maxSubscribers !== null && maxSubscribers >= reach.minSubscribers) {
    optional(
      'reach',
      Math.min(reach.cap, Math.round(reach.perTenfold * Math.log10(maxSubscribers / 100))),
      `${formatCount(maxSubscribers)} subscribers (log-scaled from ${formatCount(reach.minSubscribers)}, ` +
        `capped at ${reach.cap})`,
    );
  }

  optional(
    'removal_order',
    removalOrder ? REMOVAL_ORDER_POINTS : 0,
    'Removal order under Regulation (EU) 2021/784: must be acted on within one hour',
  );

  if (input.linkedActionedChannel) breakdown.push(linkedActionedChannelFactor(input.linkedActionedChannel));
  if (input.incident) breakdown.push(incidentFactor(input.incident));

  // A legal order is not second-guessed by its sender's record; otherwise the penalty never takes a case below 0.
  const earned = breakdown.reduce((sum, f) => sum + f.points, 0);
  const reputation = removalOrder ? 0 : Math.max(Math.min(0, input.reporterReputationPoints ?? 0), -earned);
  optional(
    'reporter_reputation',
    reputation,
    'Reported only by reporters whose earlier reports were mostly found to show no violation',
  );

  // Last, and out of the penalty's reach: an overdue case rises whatever its reporters' record.
  const clock = slaFactor(input.slaState ?? 'ok', bestSource, removalOrder);
  if (clock) breakdown.push(clock);
  return { priority: earned + reputation + (clock?.points ?? 0), breakdown };
}

/** Of a channel's links to actioned channels, the one its case's factor names: a confirmed one counts as score 1. */
export function strongestLinkedChannel(links: readonly LinkedActionedChannel[]): LinkedActionedChannel | null {
  let best: LinkedActionedChannel | null = null;
  for (const link of links) {
    const scored = { ...link, score: link.confirmed ? 1 : link.score };
    if (!best || scored.score > best.score) best = scored;
  }
  return best;
}

/** The `linked_actioned_channel` factor of a case whose channel may succeed (or, confirmed, succeeds) `link.key`. */
export function linkedActionedChannelFactor(link: LinkedActionedChannel): PriorityFactor {
  const score = link.confirmed ? 1 : Math.min(1, Math.max(0, link.score));
  return {
    factor: 'linked_actioned_channel',
    points: Math.max(1, Math.round(LINKED_ACTIONED_CHANNEL_POINTS * score)),
    detail: link.confirmed
      ? `Confirmed successor of ${link.key}, a channel already taken down`
      : `Suspected successor of ${link.key}, a channel already taken down (score ${score.toFixed(2)})`,
  };
}

/** The `incident` factor: an active incident the case matches; its points are the incident's boost. */
export function incidentFactor(incident: IncidentBoost): PriorityFactor {
  return { factor: 'incident', points: incident.boost, detail: incident.title };
}

/** The factor of a case's SLA clock: `sla_at_risk`, `sla_breached`, or none while it is `ok`. */
export function slaFactor(state: SlaState, source: Source, removalOrder: boolean): PriorityFactor | null {
  if (state === 'at_risk') {
    return { factor: 'sla_at_risk', points: SLA_AT_RISK_POINTS, detail: 'At most a quarter of the SLA window left' };
  }
  if (state === 'breached') {
    return {
      factor: 'sla_breached',
      points: slaBreachedPoints(source, removalOrder),
      detail: 'SLA deadline passed: above every case of its source still in time',
    };
  }
  return null;
}

/**
 * A stored priority with one factor replaced (or removed, or added), for a change that concerns that factor alone
 * (a moderator confirming or rejecting a suggested link): the other factors stay as triage explained them.
 */
export function withFactor(breakdown: readonly PriorityFactor[], name: string, factor: PriorityFactor | null): Priority {
  const others = breakdown.filter((f) => f.factor !== name);
  const changed = factor ? [...others, factor] : others;
  // As computePriority has it: the reporters' penalty never takes the other factors below 0 (it was clamped against
  // what they earned then, so it can only shrink here), and the SLA clock's factor stays last, out of its reach.
  const isClock = (f: PriorityFactor) => f.factor === 'sla_at_risk' || f.factor === 'sla_breached';
  const earned = changed
    .filter((f) => !isClock(f) && f.factor !== 'reporter_reputation')
    .reduce((sum, f) => sum + f.points, 0);
  const clamped = changed
    .map((f) => (f.factor === 'reporter_reputation' ? { ...f, points: Math.max(f.points, -earned) } : f))
    .filter((f) => f.factor !== 'reporter_reputation' || f.points !== 0);
  const next = [...clamped.filter((f) => !isClock(f)), ...clamped.filter(isClock)];
  return { priority: next.reduce((sum, f) => sum + f.points, 0), breakdown: next };
}

/** The most severe of the categories (CATEGORIES is ordered most severe first). */
export function mostSevereCategory(categories: readonly Category[]): Category {
  if (categories.length === 0) throw new DomainError('INVALID_INPUT', 'no categories to choose from');
  return CATEGORIES.find((category) => categories.includes(category)) ?? categories[0];
}

/** The strongest of the sources: referral_unit > trusted_flagger > public. */
export function strongestSource(sources: readonly Source[]): Source {
  if (sources.length === 0) throw new DomainError('INVALID_INPUT', 'no sources to choose from');
  return sources.reduce((best, s) => (SOURCE_STRENGTH.indexOf(s) > SOURCE_STRENGTH.indexOf(best) ? s : best));
}

function formatCount(n: number): string {
  return String(Math.floor(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
