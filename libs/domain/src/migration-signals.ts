// Recognising a channel that re-appears after a takedown (API.md, "Migration intelligence"). Banned groups come back
// on another messenger, or the same one, within hours and under the same or a lightly changed name: an affix
// (`_new`, `2`, `backup`, `جديد`), other punctuation, another script's digits. These pure functions say which names
// are the same, and how strongly a set of signals says "successor"; triage looks the candidates up.
import { normaliseText } from './text-normalisation';

/** A normalised handle must be at least this long to suggest a link on its own: short ones collide by chance. */
export const MIN_HANDLE_SIGNAL_LENGTH = 5;

// Trailing affixes that groups add to a banned name. Checked longest first, so `backup` goes before `bak`; the
// Arabic forms are compared after normaliseText (no marks, alef/ya folded).
const AFFIXES = [
  'official',
  'archive',
  'channel',
  'backup',
  'new',
  'bak',
  'ar',
  'en',
  'tv',
  'جديد',
  'احتياط',
  'رسمي',
]
  .map((a) => normaliseText(a).replace(/\s+/g, ''))
  .sort((a, b) => b.length - a.length);
const TRAILING_NUMBER = /\d+$/;

// Names made only of these words say nothing about who runs a channel ("news", "daily_updates"): thousands of
// unrelated channels share them. They still count as similar, never as the same name (docs/decisions.md).
const GENERIC_WORDS = [
  'news',
  'daily',
  'updates',
  'update',
  'media',
  'info',
  'channel',
  'official',
  'group',
  'chat',
  'live',
  'today',
  'world',
  'breaking',
  'latest',
  'video',
  'videos',
  'tv',
  'the',
  'akhbar',
  'اخبار',
  'عاجل',
  'قناه',
  'رسمي',
].map((w) => normaliseText(w));

/**
 * A handle or title as compared: lower case, Arabic marks, tatweel and letter variants folded, Arabic-Indic digits
 * to ASCII, and every separator (`_ . -`, spaces, other punctuation) removed. `@Nashir_News` → `nashirnews`.
 */
export function normaliseName(name: string): string {
  return normaliseText(name).replace(/\s+/g, '');
}

/**
 * The name with trailing affixes and numbers removed, as many as there are, but never below
 * MIN_HANDLE_SIGNAL_LENGTH characters: `nashirnewsbackup2` → `nashirnews`. Takes a normalised name.
 */
export function nameStem(normalised: string): string {
  let stem = normalised;
  for (;;) {
    const number = TRAILING_NUMBER.exec(stem);
    const affix = number ? number[0] : AFFIXES.find((a) => stem.endsWith(a));
    if (!affix || stem.length - affix.length < MIN_HANDLE_SIGNAL_LENGTH) return stem;
    stem = stem.slice(0, -affix.length);
  }
}

/** A name made only of generic words (`daily_updates`, `اخبار عاجل`): never a signal of identity on its own. */
export function isGenericName(name: string): boolean {
  let rest = normaliseName(name).replace(TRAILING_NUMBER, '');
  if (rest === '') return true;
  // Greedy longest-first split into generic words; a name is generic when nothing is left over.
  const words = [...GENERIC_WORDS].sort((a, b) => b.length - a.length);
  const canSplit = (s: string, memo = new Map<string, boolean>()): boolean => {
    if (s === '') return true;
    const known = memo.get(s);
    if (known !== undefined) return known;
    const result = words.some((w) => s.startsWith(w) && canSplit(s.slice(w.length), memo));
    memo.set(s, result);
    return result;
  };
  rest = rest.replace(/\d+/g, '');
  return canSplit(rest);
}

/** The keys under which a handle is looked up: itself normalised and its stem. Empty for a generic handle. */
export function handleKeys(handle: string): string[] {
  const normalised = normaliseName(handle);
  if (normalised.length < MIN_HANDLE_SIGNAL_LENGTH || isGenericName(handle)) return [];
  return [...new Set([normalised, nameStem(normalised)])];
}

/** The key under which a title is looked up, or null when it is generic or too short to tell channels apart. */
export function titleKey(title: string): string | null {
  const normalised = normaliseName(title);
  if (normalised.length < MIN_HANDLE_SIGNAL_LENGTH || isGenericName(title)) return null;
  return normalised;
}

/**
 * An evidence URL as compared: host without `www.`, path, no scheme, query or fragment, lower-cased host.
 * `https://www.example.org/a/b?x=1#y` → `example.org/a/b`. Null when it is not an http(s) URL.
 */
export function evidenceUrlKey(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  const host = parsed.hostname.toLowerCase().replace(/^www\./, '');
  const path = parsed.pathname.replace(/\/+$/, '');
  return `${host}${path}`;
}

/** Levenshtein distance, stopping early once it exceeds `max` (then returns max + 1). */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      rowMin = Math.min(rowMin, current[j]);
    }
    if (rowMin > max) return max + 1;
    previous = current;
  }
  return previous[b.length];
}

export type MigrationSignal =
  | 'reported_successor'
  | 'handle'
  | 'title'
  | 'shared_evidence'
  | 'similar_handle'
  | 'organisation'
  | 'timing';

export interface MigrationReason {
  signal: MigrationSignal;
  detail: string;
}

/** The signals that may suggest a link on their own; the rest only add to the score. */
export const SUGGESTING_SIGNALS: readonly MigrationSignal[] = [
  'reported_successor',
  'handle',
  'title',
  'shared_evidence',
];

/**
 * Each signal's weight; the score combines them as independent evidence, 1 − Π(1 − w), so it stays in [0, 1],
 * grows with every further signal, and one weak signal stays weak.
 */
export const MIGRATION_SIGNAL_WEIGHTS: Readonly<Record<MigrationSignal, number>> = {
  reported_successor: 0.7,
  handle: 0.6,
  shared_evidence: 0.5,
  title: 0.45,
  similar_handle: 0.2,
  organisation: 0.15,
  timing: 0.15,
};

/** Handles this many edits apart (or fewer) are "similar", when neither is generic and both are long enough. */
export const SIMILAR_HANDLE_MAX_EDITS = 2;

/** First reported within this many days after the takedown: the `timing` signal. */
export const MIGRATION_TIMING_DAYS = 7;

export interface MigrationAssessment {
  score: number;
  suggest: boolean;
  reasons: MigrationReason[];
}

/** The score and verdict for one candidate pair, given the signals found (duplicates are counted once). */
export function assessMigration(reasons: readonly MigrationReason[]): MigrationAssessment {
  const unique = [...new Map(reasons.map((r) => [r.signal, r])).values()];
  unique.sort((a, b) => MIGRATION_SIGNAL_WEIGHTS[b.signal] - MIGRATION_SIGNAL_WEIGHTS[a.signal]);
  const miss = unique.reduce((product, r) => product * (1 - MIGRATION_SIGNAL_WEIGHTS[r.signal]), 1);
  return {
    score: Math.round((1 - miss) * 1000) / 1000,
    suggest: unique.some((r) => SUGGESTING_SIGNALS.includes(r.signal)),
    reasons: unique,
  };
}

/** Whether two handles are similar but not the same name: a couple of edits apart, neither generic nor short. */
export function similarHandles(a: string, b: string): boolean {
  const x = normaliseName(a);
  const y = normaliseName(b);
  if (x === y || x.length < MIN_HANDLE_SIGNAL_LENGTH || y.length < MIN_HANDLE_SIGNAL_LENGTH) return false;
  if (isGenericName(a) || isGenericName(b)) return false;
  return editDistance(x, y, SIMILAR_HANDLE_MAX_EDITS) <= SIMILAR_HANDLE_MAX_EDITS;
}

/** What a lookup key names: a channel's handle, one of its titles, or an evidence URL of its reports. */
export type MatchKeyKind = 'handle' | 'title' | 'evidence';

/**
 * The keys a channel is looked up under, as `<kind>:<key>`: its handle and the handle's stem, its title, and its
 * reports' evidence URLs. Two channels sharing a key share that signal (`handle`, `title`, `shared_evidence`).
 */
export function matchKeys(input: {
  handle?: string | null;
  title?: string | null;
  evidenceUrls?: readonly string[];
}): string[] {
  const keys = new Set<string>();
  if (input.handle) for (const key of handleKeys(input.handle)) keys.add(`handle:${key}`);
  const title = input.title ? titleKey(input.title) : null;
  if (title) keys.add(`title:${title}`);
  for (const url of input.evidenceUrls ?? []) {
    const key = evidenceUrlKey(url);
    if (key) keys.add(`evidence:${key}`);
  }
  return [...keys].sort();
}

/** The signal a shared lookup key stands for. */
export function signalOfKey(key: string): MigrationSignal {
  const kind = key.slice(0, key.indexOf(':')) as MatchKeyKind;
  return kind === 'evidence' ? 'shared_evidence' : kind;
}
