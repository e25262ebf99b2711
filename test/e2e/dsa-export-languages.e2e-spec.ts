// The statements-of-reasons export against the DSA Transparency Database's rule for content_language: a withdrawn
// ISO 639-1 code or an unregistered tag made the database refuse the whole statement (422).
import { TestSystem } from '../support/test-system';

describe('statements of reasons: content_language the Transparency Database accepts (API and worker)', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.create();
    await system.startApi();
    await system.startWorker();
  });
  afterAll(() => system.stop());

  it('canonicalises withdrawn codes, keeps accepted ones, and leaves out what the database does not know', async () => {
    const moderator = (await system.staff(['moderator'])).token;
    const auditor = (await system.staff(['auditor'])).token;
    const expected: Record<string, string | undefined> = { iw: 'HE', in: 'ID', mo: 'RO', tl: 'TL', xx: undefined, qz: undefined };
    const decisionOf: Record<string, string> = {};
    const from = new Date(Date.now() - 60_000).toISOString();
    for (const [i, language] of Object.keys(expected).entries()) {
      const { caseId } = await system.reportAndTriage({ channel: `https://t.me/language_probe_${i}x`, language });
      expect((await system.request('POST', `/v1/cases/${caseId}/claim`, { token: moderator })).status).toBe(200);
      const decision = await system.request('POST', `/v1/cases/${caseId}/decisions`, {
        token: moderator,
        body: { action: 'takedown', policy: 'TVEC-1', reason: 'Official propaganda outlet of a designated group.' },
      });
      expect(decision.status).toBe(201);
      decisionOf[language] = decision.body.id;
    }
    const to = new Date(Date.now() + 60_000).toISOString();
    const exported = await system.request(
      'GET',
      `/v1/exports/statements-of-reasons?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
      { token: auditor },
    );
    expect(exported.status).toBe(200);
    const statements = exported.text.trim().split('\n').map((line) => JSON.parse(line));
    const byPuid = new Map(statements.map((s) => [s.puid, s]));
    for (const [language, code] of Object.entries(expected)) {
      const statement = byPuid.get(decisionOf[language]);
      expect({ language, content_language: statement.content_language }).toEqual({ language, content_language: code });
      expect(Object.hasOwn(statement, 'content_language')).toBe(code !== undefined);
    }
  });
});
