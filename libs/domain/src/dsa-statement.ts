// A takedown or restriction as a statement of reasons for the EU Digital Services Act Transparency Database
// (DSA Art. 17 and 24(5)), in that database's API field names and enum values. The mapping, field by field, and why
// each choice, is in docs/transparency.md. No personal data goes in (Art. 24(5)): not the reporters, not the
// reviewer, and not the channel's name or link, which may name a person.
import type { ChannelKind, Platform, Source } from './taxonomy';

export type DsaDecisionVisibility = 'DECISION_VISIBILITY_CONTENT_REMOVED' | 'DECISION_VISIBILITY_CONTENT_DISABLED';
export type DsaDecisionGround = 'DECISION_GROUND_ILLEGAL_CONTENT' | 'DECISION_GROUND_INCOMPATIBLE_CONTENT';
export type DsaSourceType =
  | 'SOURCE_ARTICLE_16'
  | 'SOURCE_TRUSTED_FLAGGER'
  | 'SOURCE_TYPE_OTHER_NOTIFICATION'
  | 'SOURCE_VOLUNTARY';

/** One statement of reasons, ready to send to the Transparency Database's `POST /api/v1/statement`. */
export interface DsaStatementOfReasons {
  decision_visibility: [DsaDecisionVisibility];
  /** `YYYY-MM-DD` when the restriction was lifted (a reversed appeal); null while it stands. */
  end_date_visibility_restriction: string | null;
  decision_ground: DsaDecisionGround;
  illegal_content_legal_ground?: string;
  illegal_content_explanation?: string;
  incompatible_content_ground?: string;
  incompatible_content_explanation?: string;
  content_type: ['CONTENT_TYPE_OTHER'];
  content_type_other: string;
  category: 'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY';
  category_specification: ['KEYWORD_TERRORIST_CONTENT'];
  territorial_scope: string[];
  /** Upper-case ISO 639-1, when the reports' language has a two-letter code. */
  content_language?: string;
  content_date: string;
  application_date: string;
  decision_facts: string;
  source_type: DsaSourceType;
  automated_detection: 'No';
  automated_decision: 'AUTOMATED_DECISION_NOT_AUTOMATED';
  puid: string;
}

/** What Vigil knows of one decision, without personal data. */
export interface DsaStatementSubject {
  decisionId: string;
  action: 'takedown' | 'restrict';
  policy: string;
  /** The statement of reasons the reviewer wrote for those affected. */
  reason: string;
  legalGround: string | null;
  decidedAt: Date;
  platform: Platform;
  channelKind: ChannelKind;
  /** Sources of the notices behind the case; empty when there were none. */
  sources: readonly Source[];
  /** When the first notice about the content arrived: the earliest date Vigil knows the content existed. */
  firstNoticeAt: Date | null;
  /** The reports' most common language (BCP 47), if any. */
  language: string | null;
  /** When an appeal reversed the decision, lifting the restriction. */
  reversedAt: Date | null;
}

/**
 * The `content_language` values the Transparency Database accepts (its `EuropeanLanguagesService::ALL_LANGUAGES`:
 * ISO 639-1 as it stands, without the withdrawn `IW`, `IN`, `JI`, `JW`, `MO`, `SH`). Any other value, and the
 * database refuses the whole statement (422).
 */
export const DSA_CONTENT_LANGUAGES: ReadonlySet<string> = new Set(
  (
    'AB AA AF AK SQ AM AR AN HY AS AV AE AY AZ BM BA EU BE BN BH BI BS BR BG MY CA KM CH CE NY ZH CU CV KW CO CR HR ' +
    'CS DA DV NL DZ EN EO ET EE FO FJ FI FR FF GD GL LG KA DE KI EL KL GN GU HT HA HE HZ HI HO HU IS IO IG ID IA IE ' +
    'IU IK GA IT JA JV KN KR KS KK RW KV KG KO KJ KU KY LO LA LV LB LI LN LT LU MK MG MS ML MT GV MI MR MH RO MN NA ' +
    'NV ND NG NE SE NO NB NN II OC OJ OR OM OS PI PA PS FA PL PT QU RM RN RU SM SG SA SC SR SN SD SI SK SL SO ST NR ' +
    'ES SU SW SS SV TL TY TG TA TT TE TH BO TI TO TS TN TR TK TW UG UK UR UZ VE VI VO WA CY FY WO XH YI YO ZA ZU'
  ).split(' '),
);

/**
 * A report's language tag (BCP 47) as the Transparency Database's `content_language`, or undefined when it has no
 * accepted code. A code the database accepts is kept as given (`tl` stays `TL`, though CLDR would make it `fil`);
 * any other tag is canonicalised first (`iw` → `HE`, `in` → `ID`, `ji` → `YI`, `jw` → `JV`, `mo` → `RO`,
 * `sh` → `SR`), and what still has no accepted code (`xx`, `qz`, `und`, three-letter languages) is left out.
 */
export function dsaContentLanguage(tag: string | null): string | undefined {
  const primary = (t: string) => /^([a-z]{2})(?:-|$)/i.exec(t)?.[1]?.toUpperCase();
  const accepted = (code: string | undefined) => (code && DSA_CONTENT_LANGUAGES.has(code) ? code : undefined);
  if (!tag) return undefined;
  const given = accepted(primary(tag));
  if (given) return given;
  let canonical: string[];
  try {
    canonical = Intl.getCanonicalLocales(tag);
  } catch {
    return undefined; // not a well-formed tag
  }
  return canonical.length > 0 ? accepted(primary(canonical[0])) : undefined;
}

/** The EEA (EU member states, Iceland, Liechtenstein, Norway) as the Transparency Database spells it. */
export const DSA_EEA_TERRITORIAL_SCOPE: readonly string[] = [
  'AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI', 'FR', 'GR', 'HR', 'HU', 'IE', 'IS', 'IT', 'LI', 'LT',
  'LU', 'LV', 'MT', 'NL', 'NO', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK',
];

/** The database's limit on the two explanation fields (`decision_facts` allows 5,000, as our reasons do). */
export const DSA_EXPLANATION_MAX = 2000;

const SOURCE_TYPE: Readonly<Record<Source, DsaSourceType>> = {
  public: 'SOURCE_ARTICLE_16',
  trusted_flagger: 'SOURCE_TRUSTED_FLAGGER',
  // Internet referral units send referrals and removal orders (EU 2021/784), not Art. 16 notices.
  referral_unit: 'SOURCE_TYPE_OTHER_NOTIFICATION',
};
const SOURCE_RANK: readonly Source[] = ['referral_unit', 'trusted_flagger', 'public'];

export function dsaStatementOfReasons(subject: DsaStatementSubject): DsaStatementOfReasons {
  const explanation = truncate(subject.reason, DSA_EXPLANATION_MAX);
  const ground: Pick<
    DsaStatementOfReasons,
    | 'decision_ground'
    | 'illegal_content_legal_ground'
    | 'illegal_content_explanation'
    | 'incompatible_content_ground'
    | 'incompatible_content_explanation'
  > = subject.legalGround
    ? {
        decision_ground: 'DECISION_GROUND_ILLEGAL_CONTENT',
        illegal_content_legal_ground: subject.legalGround,
        illegal_content_explanation: explanation,
      }
    : {
        decision_ground: 'DECISION_GROUND_INCOMPATIBLE_CONTENT',
        incompatible_content_ground: subject.policy,
        incompatible_content_explanation: explanation,
      };
  const strongest = SOURCE_RANK.find((source) => subject.sources.includes(source));
  const contentDate =
    subject.firstNoticeAt && subject.firstNoticeAt < subject.decidedAt ? subject.firstNoticeAt : subject.decidedAt;
  const language = dsaContentLanguage(subject.language);
  return {
    decision_visibility: [
      subject.action === 'takedown' ? 'DECISION_VISIBILITY_CONTENT_REMOVED' : 'DECISION_VISIBILITY_CONTENT_DISABLED',
    ],
    end_date_visibility_restriction: subject.reversedAt ? isoDate(subject.reversedAt) : null,
    ...ground,
    content_type: ['CONTENT_TYPE_OTHER'],
    content_type_other: `${subject.platform} ${subject.channelKind}`,
    category: 'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY',
    category_specification: ['KEYWORD_TERRORIST_CONTENT'],
    territorial_scope: [...DSA_EEA_TERRITORIAL_SCOPE],
    ...(language ? { content_language: language } : {}),
    content_date: isoDate(contentDate),
    application_date: isoDate(subject.decidedAt),
    decision_facts: subject.reason,
    source_type: strongest ? SOURCE_TYPE[strongest] : 'SOURCE_VOLUNTARY',
    automated_detection: 'No',
    automated_decision: 'AUTOMATED_DECISION_NOT_AUTOMATED',
    puid: subject.decisionId,
  };
}

/** `YYYY-MM-DD` of the UTC day. */
function isoDate(time: Date): string {
  return time.toISOString().slice(0, 10);
}

function truncate(text: string, max: number): string {
  const characters = [...text];
  return characters.length <= max ? text : `${characters.slice(0, max - 1).join('')}…`;
}
