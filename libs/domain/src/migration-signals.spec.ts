import {
  assessMigration,
  editDistance,
  evidenceUrlKey,
  handleKeys,
  isGenericName,
  nameStem,
  normaliseName,
  similarHandles,
  titleKey,
} from './migration-signals';

const sameHandle = (a: string, b: string): boolean => handleKeys(a).some((k) => handleKeys(b).includes(k));

describe('normaliseName', () => {
  it.each([
    ['nashir_news', 'nashirnews'],
    ['@Nashir.News', 'nashirnews'],
    ['nashir-news', 'nashirnews'],
    ['NASHIR NEWS', 'nashirnews'],
    ['ناشر نيوز', 'ناشرنيوز'],
    ['نَاشِر نيـــوز', 'ناشرنيوز'],
    ['أخبار', 'اخبار'],
    ['amaq٢٠١٩', 'amaq2019'],
    ['amaq۲۰۱۹', 'amaq2019'],
    ['na\u200Bshir', 'nashir'],
  ])('%s → %s', (input, expected) => {
    expect(normaliseName(input)).toBe(expected);
  });
});

describe('nameStem', () => {
  it.each([
    ['nashirnews2', 'nashirnews'],
    ['nashirnews02', 'nashirnews'],
    ['nashirnewsbackup', 'nashirnews'],
    ['nashirnewsbackup2', 'nashirnews'],
    ['nashirnewsnew', 'nashirnews'],
    ['nashirnewsofficial', 'nashirnews'],
    ['nashirnewsbak', 'nashirnews'],
    ['nashirnewsarchive', 'nashirnews'],
    ['nashirnewsar', 'nashirnews'],
    ['nashirnewsen', 'nashirnews'],
    ['nashirnewschannel', 'nashirnews'],
    ['nashirnewstv', 'nashirnews'],
    ['ناشرنيوزجديد', 'ناشرنيوز'],
    ['ناشرنيوزاحتياط', 'ناشرنيوز'],
    ['ناشرنيوزرسمي', 'ناشرنيوز'],
    ['nashirnews', 'nashirnews'],
  ])('%s → %s', (input, expected) => {
    expect(nameStem(input)).toBe(expected);
  });

  it('never cuts a name below five characters', () => {
    expect(nameStem('amaq2')).toBe('amaq2');
    expect(nameStem('qamar')).toBe('qamar');
    expect(nameStem('alnew')).toBe('alnew');
  });
});

describe('handles of one channel, across its migrations', () => {
  it.each([
    ['nashir_news', 'NashirNews2'],
    ['nashir_news', 'nashir.news_backup'],
    ['NashirNews2', 'nashir.news_backup'],
    ['amaq_agency', 'amaq_agency_new'],
    ['amaq_agency', 'amaqagency٢'],
    ['al_hayat_media', 'alhayatmedia_official'],
  ])('%s ≈ %s', (a, b) => {
    expect(sameHandle(a, b)).toBe(true);
    expect(sameHandle(b, a)).toBe(true);
  });

  it.each([
    ['nashir_news', 'nashir_media'],
    ['amaq1', 'amaq2'],
    ['news', 'news2'],
    ['daily_updates', 'daily_updates'],
    ['al_furqan', 'al_furqat'],
  ])('%s is not the same handle as %s', (a, b) => {
    expect(sameHandle(a, b)).toBe(false);
  });
});

describe('generic names', () => {
  it.each(['news', 'daily_updates', 'News_Today_2', 'breaking-news', 'اخبار عاجل', 'channel'])('%s is generic', (n) => {
    expect(isGenericName(n)).toBe(true);
    expect(handleKeys(n)).toEqual([]);
    expect(titleKey(n)).toBeNull();
  });

  it.each(['nashir_news', 'amaq_agency', 'newsroom_raqqa', 'ناشر نيوز'])('%s is not generic', (n) => {
    expect(isGenericName(n)).toBe(false);
  });
});

describe('titleKey', () => {
  it('finds one Arabic title with and without marks and tatweel', () => {
    expect(titleKey('ناشر نيوز')).toBe(titleKey('نَاشِر نيـــوز'));
    expect(titleKey('وكالة أعماق')).toBe(titleKey('وكاله اعماق'));
    expect(titleKey('Nashir News')).toBe(titleKey('nashir-news'));
  });

  it('has no key for short or generic titles', () => {
    expect(titleKey('A')).toBeNull();
    expect(titleKey('Daily News')).toBeNull();
  });
});

describe('evidenceUrlKey', () => {
  it.each([
    ['https://www.Example.org/a/b?x=1#y', 'example.org/a/b'],
    ['http://example.org/a/b/', 'example.org/a/b'],
    ['https://t.me/nashir_news/42', 't.me/nashir_news/42'],
  ])('%s → %s', (url, key) => {
    expect(evidenceUrlKey(url)).toBe(key);
  });

  it('has no key for what is not an http(s) URL', () => {
    expect(evidenceUrlKey('ftp://example.org/x')).toBeNull();
    expect(evidenceUrlKey('not a url')).toBeNull();
  });
});

describe('similar handles', () => {
  it('are a couple of edits apart, long enough and not generic', () => {
    expect(similarHandles('al_furqan', 'al_furqat')).toBe(true);
    expect(similarHandles('nashirnews', 'nashirnewz')).toBe(true);
    expect(similarHandles('nashirnews', 'nashirnews')).toBe(false);
    expect(similarHandles('amaq1', 'amaq2')).toBe(true);
    expect(similarHandles('news1', 'news2')).toBe(false);
    expect(similarHandles('abcde', 'vwxyz')).toBe(false);
  });

  it('measures edit distance, stopping past the bound', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('kitten', 'sitting', 1)).toBe(2);
    expect(editDistance('', 'abc')).toBe(3);
  });
});

describe('assessMigration', () => {
  it('suggests on any one of the four strong signals', () => {
    for (const signal of ['reported_successor', 'handle', 'title', 'shared_evidence'] as const) {
      const verdict = assessMigration([{ signal, detail: 'x' }]);
      expect(verdict.suggest).toBe(true);
      expect(verdict.score).toBeGreaterThan(0);
      expect(verdict.score).toBeLessThanOrEqual(1);
    }
  });

  it('never suggests on organisation, timing and similarity alone', () => {
    const verdict = assessMigration([
      { signal: 'organisation', detail: 'ISIS' },
      { signal: 'timing', detail: '2 hours after the takedown' },
      { signal: 'similar_handle', detail: 'al_furqat ~ al_furqan' },
    ]);
    expect(verdict.suggest).toBe(false);
    expect(verdict.score).toBeGreaterThan(0);
  });

  it('grows with every further signal, counts a signal once, and lists the strongest first', () => {
    const handle = assessMigration([{ signal: 'handle', detail: 'a' }]);
    const more = assessMigration([
      { signal: 'timing', detail: 't' },
      { signal: 'handle', detail: 'a' },
      { signal: 'handle', detail: 'b' },
      { signal: 'title', detail: 'c' },
    ]);
    expect(more.score).toBeGreaterThan(handle.score);
    expect(more.reasons.map((r) => r.signal)).toEqual(['handle', 'title', 'timing']);
  });
});
