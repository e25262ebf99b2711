import { EMPTY_INCIDENT, incidentBody } from './incident-draft';

describe('incidentBody', () => {
  it('leaves out what was left empty, so the incident matches every organisation, platform and category', () => {
    expect(incidentBody({ ...EMPTY_INCIDENT, title: 'Attack claimed', organization: '  ' })).toEqual({
      title: 'Attack claimed',
      boost: 10,
    });
  });

  it('sends numbers as numbers and the local end time as an instant', () => {
    const body = incidentBody({
      title: 'Coordinated migration',
      organization: ' ISIS ',
      platforms: ['telegram', 'tamtam'],
      categories: ['attack_claim'],
      boost: '25',
      slaHours: '0.5',
      endsAt: '2026-12-08T10:30',
    });
    expect(body).toEqual({
      title: 'Coordinated migration',
      organization: 'ISIS',
      platforms: ['telegram', 'tamtam'],
      categories: ['attack_claim'],
      boost: 25,
      slaHours: 0.5,
      endsAt: new Date(2026, 11, 8, 10, 30).toISOString(),
    });
  });

  it('sends a boost out of range as typed, for the server to refuse next to its field', () => {
    expect(incidentBody({ ...EMPTY_INCIDENT, title: 'x', boost: '80' }).boost).toBe(80);
  });
});
