import fc from 'fast-check';
import { CaseFacts, NO_CASE_FACTS, ReportFacts, withReports } from './case-facts';
import { CATEGORIES, SOURCES } from './taxonomy';

const report = fc.record<ReportFacts>({
  category: fc.constantFrom(...CATEGORIES),
  source: fc.constantFrom(...SOURCES),
  subscribers: fc.option(fc.integer({ min: 0, max: 10_000_000 }), { nil: null }),
  removalOrder: fc.boolean(),
  language: fc.option(fc.constantFrom('ar', 'en', 'fr', 'ru'), { nil: null }),
});

/** The facts as an aggregate over every report at once would give them (what triage computed before). */
function allAtOnce(reports: ReportFacts[], distinctReporters: number): CaseFacts {
  const reach = reports.flatMap((r) => (r.subscribers === null ? [] : [r.subscribers]));
  return {
    reportCount: reports.length,
    distinctReporters,
    categories: [...new Set(reports.map((r) => r.category))].sort(),
    sources: [...new Set(reports.map((r) => r.source))].sort(),
    maxSubscribers: reach.length ? Math.max(...reach) : null,
    removalOrder: reports.some((r) => r.removalOrder),
    languages: [...new Set(reports.flatMap((r) => (r.language ? [r.language] : [])))].sort(),
  };
}

describe('withReports', () => {
  it('gives, batch by batch, the facts of all the reports at once', () => {
    fc.assert(
      fc.property(fc.array(fc.array(report, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 6 }), (batches) => {
        let facts = NO_CASE_FACTS;
        for (const batch of batches) facts = withReports(facts, batch, 1);
        expect(facts).toEqual(allAtOnce(batches.flat(), batches.length));
      }),
    );
  });

  it('keeps the largest reach when the new reports give none, and a reach of 0 when that is all there is', () => {
    const base: ReportFacts = { category: 'propaganda', source: 'public', subscribers: null, removalOrder: false, language: null };
    const known = withReports(NO_CASE_FACTS, [{ ...base, subscribers: 5000 }], 1);
    expect(withReports(known, [base], 0).maxSubscribers).toBe(5000);
    expect(withReports(NO_CASE_FACTS, [{ ...base, subscribers: 0 }], 1).maxSubscribers).toBe(0);
    expect(withReports(NO_CASE_FACTS, [base], 1).maxSubscribers).toBeNull();
  });
});
