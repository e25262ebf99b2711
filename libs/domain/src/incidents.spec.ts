import { earliestClock, incidentClock, IncidentScope, incidentMatches, strongestIncident } from './incidents';

const incident = (overrides: Partial<IncidentScope> = {}): IncidentScope => ({
  id: 'i1',
  title: 'Attack in the city centre',
  boost: 20,
  slaHours: null,
  declaredAt: new Date('2026-12-07T10:00:00Z'),
  platforms: null,
  categories: null,
  organisationIds: null,
  ...overrides,
});
const subject = { platform: 'telegram' as const, categories: ['attack_claim' as const], organisationIds: ['isil'] };

describe('incidentMatches', () => {
  it('matches everything when it names nothing', () => {
    expect(incidentMatches(incident(), subject)).toBe(true);
  });

  it.each([
    [{ platforms: ['tamtam' as const] }, false],
    [{ platforms: ['tamtam' as const, 'telegram' as const] }, true],
    [{ categories: ['recruitment' as const] }, false],
    [{ categories: ['attack_claim' as const, 'propaganda' as const] }, true],
    [{ organisationIds: ['al_qaida'] }, false],
    [{ organisationIds: ['isil'], platforms: ['telegram' as const], categories: ['attack_claim' as const] }, true],
  ])('%j → %s', (scope, expected) => {
    expect(incidentMatches(incident(scope), subject)).toBe(expected);
  });
});

describe('strongestIncident', () => {
  it('takes the largest boost, then the earliest declared, among those that match', () => {
    const weak = incident({ id: 'weak', boost: 5 });
    const strong = incident({ id: 'strong', boost: 30, declaredAt: new Date('2026-12-07T11:00:00Z') });
    const strongEarlier = incident({ id: 'earlier', boost: 30 });
    const elsewhere = incident({ id: 'elsewhere', boost: 50, platforms: ['vk'] });
    expect(strongestIncident([weak, strong, strongEarlier, elsewhere], subject)?.id).toBe('earlier');
    expect(strongestIncident([elsewhere], subject)).toBeNull();
  });
});

describe('incident clocks', () => {
  it('runs from the later of the first report and the declaration', () => {
    const scoped = incident({ slaHours: 2 });
    expect(incidentClock(scoped, new Date('2026-12-07T09:00:00Z'))).toEqual({
      startedAt: new Date('2026-12-07T10:00:00Z'),
      dueAt: new Date('2026-12-07T12:00:00Z'),
    });
    expect(incidentClock(scoped, new Date('2026-12-07T10:30:00Z'))?.dueAt).toEqual(new Date('2026-12-07T12:30:00Z'));
    expect(incidentClock(incident(), new Date())).toBeNull();
  });

  it('keeps the clock due first', () => {
    const a = { startedAt: new Date(0), dueAt: new Date(10) };
    const b = { startedAt: new Date(5), dueAt: new Date(8) };
    expect(earliestClock(a, b)).toBe(b);
    expect(earliestClock(b, a)).toBe(b);
    expect(earliestClock(a, null)).toBe(a);
  });
});
