import {
  DSA_CONTENT_LANGUAGES,
  DSA_EXPLANATION_MAX,
  dsaContentLanguage,
  dsaStatementOfReasons,
  DsaStatementSubject,
} from './dsa-statement';

const subject: DsaStatementSubject = {
  decisionId: '5b0e6a8e-1f3d-4c2b-8a7e-9d6c5b4a3f21',
  action: 'takedown',
  policy: 'TVEC-1',
  reason: 'Distributes claims of responsibility for attacks by a designated organisation.',
  legalGround: 'Regulation (EU) 2021/784',
  decidedAt: new Date('2026-11-25T10:30:00.000Z'),
  platform: 'telegram',
  channelKind: 'channel',
  sources: ['public', 'trusted_flagger'],
  firstNoticeAt: new Date('2026-11-24T23:50:00.000Z'),
  language: 'ar',
  reversedAt: null,
};

describe('dsaStatementOfReasons', () => {
  it('writes a takedown on a legal ground as removed illegal content', () => {
    expect(dsaStatementOfReasons(subject)).toEqual({
      decision_visibility: ['DECISION_VISIBILITY_CONTENT_REMOVED'],
      end_date_visibility_restriction: null,
      decision_ground: 'DECISION_GROUND_ILLEGAL_CONTENT',
      illegal_content_legal_ground: 'Regulation (EU) 2021/784',
      illegal_content_explanation: subject.reason,
      content_type: ['CONTENT_TYPE_OTHER'],
      content_type_other: 'telegram channel',
      category: 'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY',
      category_specification: ['KEYWORD_TERRORIST_CONTENT'],
      territorial_scope: expect.arrayContaining(['DE', 'FR', 'GR', 'IS', 'LI', 'NO']),
      content_language: 'AR',
      content_date: '2026-11-24',
      application_date: '2026-11-25',
      decision_facts: subject.reason,
      source_type: 'SOURCE_TRUSTED_FLAGGER',
      automated_detection: 'No',
      automated_decision: 'AUTOMATED_DECISION_NOT_AUTOMATED',
      puid: subject.decisionId,
    });
    expect(dsaStatementOfReasons(subject).territorial_scope).toHaveLength(30);
  });

  it('writes a restriction without a legal ground as disabled content incompatible with the policy', () => {
    const statement = dsaStatementOfReasons({ ...subject, action: 'restrict', legalGround: null });
    expect(statement).toMatchObject({
      decision_visibility: ['DECISION_VISIBILITY_CONTENT_DISABLED'],
      decision_ground: 'DECISION_GROUND_INCOMPATIBLE_CONTENT',
      incompatible_content_ground: 'TVEC-1',
      incompatible_content_explanation: subject.reason,
    });
    expect(statement).not.toHaveProperty('illegal_content_legal_ground');
  });

  it.each([
    [['public'], 'SOURCE_ARTICLE_16'],
    [['public', 'trusted_flagger'], 'SOURCE_TRUSTED_FLAGGER'],
    [['trusted_flagger', 'referral_unit'], 'SOURCE_TYPE_OTHER_NOTIFICATION'],
    [[], 'SOURCE_VOLUNTARY'],
  ] as const)('names the strongest notice source %j as %s', (sources, expected) => {
    expect(dsaStatementOfReasons({ ...subject, sources }).source_type).toBe(expected);
  });

  it('ends the restriction on the day an appeal reversed it', () => {
    const reversed = dsaStatementOfReasons({ ...subject, reversedAt: new Date('2026-12-02T08:00:00Z') });
    expect(reversed.end_date_visibility_restriction).toBe('2026-12-02');
  });

  it('keeps explanations within the database’s limit, and the whole reason in decision_facts', () => {
    const reason = `${'ا'.repeat(DSA_EXPLANATION_MAX)} and more`;
    const statement = dsaStatementOfReasons({ ...subject, reason });
    expect([...statement.illegal_content_explanation!]).toHaveLength(DSA_EXPLANATION_MAX);
    expect(statement.illegal_content_explanation!.endsWith('…')).toBe(true);
    expect(statement.decision_facts).toBe(reason);
  });

  it('leaves out a language without a two-letter code, and dates content no later than the decision', () => {
    const statement = dsaStatementOfReasons({ ...subject, language: 'und', firstNoticeAt: null });
    expect(statement).not.toHaveProperty('content_language');
    expect(statement.content_date).toBe('2026-11-25');
    expect(dsaStatementOfReasons({ ...subject, language: 'pt-BR' }).content_language).toBe('PT');
  });
});

describe('dsaContentLanguage', () => {
  it.each([
    ['ar', 'AR'],
    ['ar-EG', 'AR'],
    ['EN', 'EN'],
    ['zh-Hant-TW', 'ZH'],
    // Withdrawn ISO 639-1 codes, canonicalised.
    ['iw', 'HE'],
    ['in', 'ID'],
    ['ji', 'YI'],
    ['jw', 'JV'],
    ['mo', 'RO'],
    ['sh', 'SR'],
    ['iw-IL', 'HE'],
    // Accepted as given, although CLDR would rename it.
    ['tl', 'TL'],
  ])('%s → %s', (tag, code) => {
    expect(dsaContentLanguage(tag)).toBe(code);
    expect(dsaStatementOfReasons({ ...subject, language: tag }).content_language).toBe(code);
  });

  it.each(['xx', 'qz', 'und', 'fil', 'ckb', 'i-klingon', 'not a tag', '', null])('leaves out %s', (tag) => {
    expect(dsaContentLanguage(tag)).toBeUndefined();
    expect(dsaStatementOfReasons({ ...subject, language: tag })).not.toHaveProperty('content_language');
  });

  it('accepts only two-letter upper-case codes, as the database lists them', () => {
    expect(DSA_CONTENT_LANGUAGES.size).toBe(184);
    for (const code of DSA_CONTENT_LANGUAGES) expect(code).toMatch(/^[A-Z]{2}$/);
    for (const withdrawn of ['IW', 'IN', 'JI', 'JW', 'MO', 'SH']) expect(DSA_CONTENT_LANGUAGES.has(withdrawn)).toBe(false);
  });
});
