import type { Category, Source } from './taxonomy';

/** What triage keeps on a case about its reports: enough to score it without reading them all again. */
export interface CaseFacts {
  reportCount: number;
  distinctReporters: number;
  categories: Category[];
  sources: Source[];
  maxSubscribers: number | null;
  removalOrder: boolean;
  languages: string[];
}

/** The facts of a case no report has joined yet (a case about to be opened). */
export const NO_CASE_FACTS: Readonly<CaseFacts> = Object.freeze({
  reportCount: 0,
  distinctReporters: 0,
  categories: [],
  sources: [],
  maxSubscribers: null,
  removalOrder: false,
  languages: [],
});

/** Of one report joining a case, what its facts need. */
export interface ReportFacts {
  category: Category;
  source: Source;
  subscribers: number | null;
  removalOrder: boolean;
  language: string | null;
}

/**
 * A case's facts once `reports` have joined it, `newReporters` of whom had not reported it before (counted by the
 * caller against the case's reports). Sets stay sorted so that equal facts are stored equally.
 */
export function withReports(facts: CaseFacts, reports: readonly ReportFacts[], newReporters: number): CaseFacts {
  const union = <T extends string>(known: readonly T[], added: readonly (T | null)[]): T[] =>
    [...new Set([...known, ...added.filter((v): v is T => v !== null)])].sort();
  const reach = reports.map((r) => r.subscribers).filter((n): n is number => n !== null);
  return {
    reportCount: facts.reportCount + reports.length,
    distinctReporters: facts.distinctReporters + newReporters,
    categories: union(facts.categories, reports.map((r) => r.category)),
    sources: union(facts.sources, reports.map((r) => r.source)),
    maxSubscribers: reach.length === 0 ? facts.maxSubscribers : Math.max(facts.maxSubscribers ?? 0, ...reach),
    removalOrder: facts.removalOrder || reports.some((r) => r.removalOrder),
    languages: union(facts.languages, reports.map((r) => r.language)),
  };
}
