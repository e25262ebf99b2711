// Designated organisations and the names they go by, for the `designated_organisation` priority factor and for
// linking migrated channels. The match is a triage signal (it moves a case up the queue); it never decides a case.
import { normaliseText } from './text-normalisation';

export interface DesignatedOrganisation {
  id: string;
  /** Display name, as a moderator should see it. Not matched: only `aliases` are. */
  name: string;
  /** Names as written in the wild, English and Arabic; compared after `normaliseText`, so one spelling per variant. */
  aliases: string[];
}

export interface OrganisationMatch {
  id: string;
  name: string;
  /** The alias (as written in DESIGNATED_ORGANISATIONS) that matched. */
  matched: string;
}

/*
 * CONFIGURATION DATA, to be reviewed by policy staff: groups on the EU terrorist list (Common Position 2001/931/CFSP)
 * or the UN ISIL (Da'esh) and Al-Qaida sanctions list, and the names they are known by. Keep ids stable: they are
 * stored with cases and used to link channels.
 *
 * Writing aliases:
 * - An Arabic alias keeps its definite article exactly as the group's name has it. The article is never stripped
 *   from or added to a name, because that turns a proper name into a common word: قاعدة is "a base", شباب is
 *   "youth", دولة إسلامية is "an Islamic state", الحماس is "the enthusiasm". The attached particles و ف ب ك ل are
 *   recognised in front of any Arabic alias (لتنظيم القاعدة, وللدولة الإسلامية).
 * - A bare word that is mostly used in its ordinary sense is listed only in qualified forms (الشباب → حركة الشباب;
 *   أعماق "depths" → وكالة أعماق).
 * - An acronym of three letters or fewer, written here in capitals (IS, HTS), matches only when the text writes it
 *   in capitals and not in the middle of all-capital text, so that "this is it" and "THIS IS IT" do not match IS.
 */
export const DESIGNATED_ORGANISATIONS: readonly DesignatedOrganisation[] = [
  {
    id: 'isil',
    name: 'ISIL (Islamic State, Da’esh)',
    aliases: [
      'ISIL',
      'ISIS',
      'IS',
      'Islamic State',
      'Islamic State of Iraq and the Levant',
      'Islamic State of Iraq and Syria',
      'Islamic State of Iraq and al-Sham',
      'Daesh',
      'Da’esh',
      'Daish',
      'ISKP',
      'ISIS-K',
      'Islamic State Khorasan Province',
      'Amaq',
      'Amaq News Agency',
      'داعش',
      'الدواعش',
      'الدولة الإسلامية',
      'الدولة الإسلامية في العراق والشام',
      'تنظيم الدولة',
      'ولاية خراسان',
      'وكالة أعماق',
    ],
  },
  {
    id: 'al_qaida',
    name: 'Al-Qaida',
    aliases: ['Al-Qaida', 'Al-Qaeda', 'Al-Qa’ida', 'Alqaida', 'Alqaeda', 'القاعدة', 'تنظيم القاعدة'],
  },
  {
    id: 'aqap',
    name: 'Al-Qaida in the Arabian Peninsula (AQAP)',
    aliases: [
      'AQAP',
      'Al-Qaida in the Arabian Peninsula',
      'Al-Qaeda in the Arabian Peninsula',
      'القاعدة في جزيرة العرب',
    ],
  },
  {
    id: 'aqim',
    name: 'Al-Qaida in the Islamic Maghreb (AQIM)',
    aliases: [
      'AQIM',
      'Al-Qaida in the Islamic Maghreb',
      'Al-Qaeda in the Islamic Maghreb',
      'القاعدة في بلاد المغرب الإسلامي',
    ],
  },
  {
    id: 'al_shabaab',
    name: 'Al-Shabaab',
    aliases: [
      'Al-Shabaab',
      'Al-Shabab',
      'Harakat al-Shabaab al-Mujahideen',
      'حركة الشباب',
      'حركة الشباب المجاهدين',
      'الشباب المجاهدين',
    ],
  },
  {
    id: 'hts',
    name: 'Hay’at Tahrir al-Sham (formerly al-Nusrah Front)',
    aliases: [
      'HTS',
      'Hay’at Tahrir al-Sham',
      'Hayat Tahrir al-Sham',
      'Tahrir al-Sham',
      'Al-Nusrah Front',
      'Al-Nusra Front',
      'Nusra Front',
      'Jabhat al-Nusra',
      'Jabhat al-Nusrah',
      'Jabhat Fatah al-Sham',
      'هيئة تحرير الشام',
      'تحرير الشام',
      'جبهة النصرة',
      'جبهة فتح الشام',
    ],
  },
  {
    id: 'boko_haram',
    name: 'Boko Haram (incl. ISWAP)',
    aliases: [
      'Boko Haram',
      'Jama’atu Ahlis Sunna Lidda’awati wal-Jihad',
      'ISWAP',
      'Islamic State West Africa Province',
      'Islamic State West Africa',
      'بوكو حرام',
      'جماعة أهل السنة للدعوة والجهاد',
      'ولاية غرب أفريقيا',
    ],
  },
  {
    id: 'hamas',
    name: 'Hamas (incl. Izz al-Din al-Qassam Brigades)',
    aliases: [
      'Hamas',
      'Izz al-Din al-Qassam Brigades',
      'Izz ad-Din al-Qassam Brigades',
      'Al-Qassam Brigades',
      'Qassam Brigades',
      'حماس',
      'حركة حماس',
      'حركة المقاومة الإسلامية',
      'كتائب القسام',
      'كتائب عز الدين القسام',
    ],
  },
  {
    id: 'hizballah_military_wing',
    name: 'Hizballah Military Wing',
    aliases: ['Hizballah', 'Hezbollah', 'Hizbollah', 'Hizbullah', 'Hizb Allah', 'حزب الله'],
  },
];

/** Attached Arabic particles: a conjunction (و "and", ف "so") then a preposition (ب "with", ل "for", ك "like"). */
const CONJUNCTIONS = ['', 'و', 'ف'];
const PREPOSITIONS = ['', 'ب', 'ل', 'ك'];
const ARABIC_LETTER = /[\u0600-\u06FF]/;
const SHORT_ACRONYM = /^[A-Z]{1,3}$/;

interface CompiledAlias {
  alias: string;
  /** Accepted spellings of the alias's first word (with Arabic particles attached), then its remaining words. */
  first: ReadonlySet<string>;
  rest: readonly string[];
}

interface CompiledOrganisation {
  organisation: DesignatedOrganisation;
  acronyms: readonly string[];
  aliases: readonly CompiledAlias[];
}

function withParticles(word: string): Set<string> {
  const forms = new Set<string>();
  for (const conjunction of CONJUNCTIONS) {
    for (const preposition of PREPOSITIONS) {
      // ل before the article contracts: ل + القاعدة → للقاعدة.
      const attached = preposition === 'ل' && word.startsWith('ال') ? `لل${word.slice(2)}` : preposition + word;
      forms.add(conjunction + attached);
    }
  }
  return forms;
}

function compileAlias(alias: string): CompiledAlias {
  const [first, ...rest] = normaliseText(alias).split(' ');
  return { alias, first: ARABIC_LETTER.test(first) ? withParticles(first) : new Set([first]), rest };
}

const COMPILED: readonly CompiledOrganisation[] = DESIGNATED_ORGANISATIONS.map((organisation) => ({
  organisation,
  acronyms: organisation.aliases.filter((alias) => SHORT_ACRONYM.test(alias)),
  aliases: organisation.aliases.filter((alias) => !SHORT_ACRONYM.test(alias)).map(compileAlias),
}));

function containsPhrase(words: readonly string[], alias: CompiledAlias): boolean {
  const last = words.length - alias.rest.length;
  for (let i = 0; i < last; i++) {
    if (alias.first.has(words[i]) && alias.rest.every((word, k) => words[i + 1 + k] === word)) return true;
  }
  return false;
}

/** Upper-case word of two letters or more: a sign that the text is shouting, so capitals there prove nothing. */
const isShouted = (word: string | undefined): boolean =>
  word !== undefined && word.length >= 2 && /^\p{Lu}+$/u.test(word);

function containsAcronym(rawWords: readonly string[], acronym: string): boolean {
  return rawWords.some(
    (word, i) => word === acronym && !isShouted(rawWords[i - 1]) && !isShouted(rawWords[i + 1]),
  );
}

/**
 * The designated organisations a text names, each at most once, in table order. Aliases match as whole words or
 * whole phrases of the normalised text (so "Hamas" does not match inside "Hamasa", nor IS inside "this").
 */
export function matchOrganisations(text: string): OrganisationMatch[] {
  const words = normaliseText(text).split(' ');
  // Acronyms are compared case-sensitively on the text's own words, before lower-casing loses the capitals
  // (invisible format characters removed, as normaliseText does, so "I\u200BS" is still IS).
  const rawWords = text.normalize('NFKC').replace(/\p{Cf}/gu, '').match(/[\p{L}\p{N}]+/gu) ?? [];
  const matches: OrganisationMatch[] = [];
  for (const { organisation, acronyms, aliases } of COMPILED) {
    const matched =
      aliases.find((alias) => containsPhrase(words, alias))?.alias ??
      acronyms.find((acronym) => containsAcronym(rawWords, acronym));
    if (matched !== undefined) matches.push({ id: organisation.id, name: organisation.name, matched });
  }
  return matches;
}
