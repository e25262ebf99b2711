import { DESIGNATED_ORGANISATIONS, matchOrganisations } from './organisations';
import { normaliseText } from './text-normalisation';

const ids = (text: string): string[] => matchOrganisations(text).map((m) => m.id);

describe('DESIGNATED_ORGANISATIONS', () => {
  it('has unique ids', () => {
    const all = DESIGNATED_ORGANISATIONS.map((o) => o.id);
    expect(new Set(all).size).toBe(all.length);
  });

  it('gives every organisation an English and an Arabic alias', () => {
    for (const organisation of DESIGNATED_ORGANISATIONS) {
      expect(organisation.aliases.some((a) => /[A-Za-z]/.test(a))).toBe(true);
      expect(organisation.aliases.some((a) => /[\u0600-\u06FF]/.test(a))).toBe(true);
    }
  });

  it('writes every alias of three letters or fewer as a capitalised acronym, so it is matched case-sensitively', () => {
    for (const alias of DESIGNATED_ORGANISATIONS.flatMap((o) => o.aliases)) {
      if (normaliseText(alias).replace(/ /g, '').length <= 3) expect(alias).toMatch(/^[A-Z]{1,3}$/);
    }
  });

  it('lists no alias that normalises to nothing', () => {
    for (const alias of DESIGNATED_ORGANISATIONS.flatMap((o) => o.aliases)) expect(normaliseText(alias)).not.toBe('');
  });
});

describe('matchOrganisations', () => {
  it.each([
    ['Islamic State', 'isil'],
    ['islamic state', 'isil'],
    ['ISIS', 'isil'],
    ['isis', 'isil'],
    ['ISIL', 'isil'],
    ['Daesh', 'isil'],
    ['Da’esh', 'isil'],
    ["Da'esh", 'isil'],
    ['ISIS-K', 'isil'],
    ['al-Qaeda', 'al_qaida'],
    ['Al Qaida', 'al_qaida'],
    ['AlQaeda', 'al_qaida'],
    ['Al-Qaʿida', 'al_qaida'],
    ['AQIM', 'aqim'],
    ['aqap', 'aqap'],
    ['al-Shabab', 'al_shabaab'],
    ['Hayat Tahrir al-Sham', 'hts'],
    ['HTS', 'hts'],
    ['Jabhat al-Nusra', 'hts'],
    ['Boko Haram', 'boko_haram'],
    ['ISWAP', 'boko_haram'],
    ['Hamas', 'hamas'],
    ['Qassam Brigades', 'hamas'],
    ['Hezbollah', 'hizballah_military_wing'],
    ['Hizbullah', 'hizballah_military_wing'],
  ])('matches the English variant "%s"', (text, id) => {
    expect(ids(`a channel run by ${text} supporters`)).toContain(id);
  });

  it.each([
    ['داعش', 'isil'],
    ['الدولة الإسلامية', 'isil'],
    ['الدولة الاسلامية', 'isil'],
    ['الدولـــة الإسلاميّة', 'isil'],
    ['الدَّوْلَةُ الإِسْلَامِيَّةُ', 'isil'],
    ['الدوله الاسلاميه', 'isil'],
    ['د\u200Bاعش', 'isil'],
    ['وكالة أعماق', 'isil'],
    ['القاعدة', 'al_qaida'],
    ['القاعدة في جزيرة العرب', 'aqap'],
    ['حركة الشباب المجاهدين', 'al_shabaab'],
    ['هيئة تحرير الشام', 'hts'],
    ['بوكو حرام', 'boko_haram'],
    ['ولاية غرب إفريقيا', 'boko_haram'],
    ['كتائب القسام', 'hamas'],
    ['حزب اللّٰه', 'hizballah_military_wing'],
  ])('matches the Arabic variant "%s"', (text, id) => {
    expect(ids(`قناة تابعة ${text} تنشر البيانات`)).toContain(id);
  });

  it.each([
    ['و (and)', 'وداعش', 'isil'],
    ['ب (with)', 'بداعش', 'isil'],
    ['ل (for) contracted with the article', 'للدولة الإسلامية', 'isil'],
    ['و then ل contracted with the article', 'وللقاعدة', 'al_qaida'],
    ['ب before the article', 'بالقاعدة', 'al_qaida'],
    ['ف (so)', 'فحزب الله', 'hizballah_military_wing'],
  ])('matches an Arabic alias with the attached particle %s', (_particle, text, id) => {
    expect(ids(text)).toEqual([id]);
  });

  it('does not strip the article from a name that carries it (قاعدة alone is "a base")', () => {
    expect(ids('قاعدة عسكرية في الصحراء')).toEqual([]);
    expect(ids('هذه دولة إسلامية')).toEqual([]);
  });

  it('does not match الشباب ("the youth") on its own', () => {
    expect(ids('يدعو الشباب إلى العمل والدراسة')).toEqual([]);
  });

  it('matches whole words only', () => {
    expect(ids('Hamasa, Isisford and Dahezbollahs are not names of groups')).toEqual([]);
    expect(ids('داعشي')).toEqual([]);
  });

  it.each([
    'this is it',
    'It is what it is.',
    'THIS IS IT',
    'WHAT IS THIS',
    'The weather is nice; what is the plan?',
    'hts and is in lower case',
    'A channel that shares cooking recipes and football news.',
  ])('finds nothing in the ordinary sentence "%s"', (text) => {
    expect(matchOrganisations(text)).toEqual([]);
  });

  it('matches the acronym IS when it is written in capitals in ordinary text', () => {
    expect(matchOrganisations('Posts IS propaganda videos daily')).toEqual([
      { id: 'isil', name: DESIGNATED_ORGANISATIONS.find((o) => o.id === 'isil')!.name, matched: 'IS' },
    ]);
  });

  it('matches HTS in capitals but not hts in lower case', () => {
    expect(ids('Channel close to HTS in Idlib')).toEqual(['hts']);
    expect(ids('channel close to hts in idlib')).toEqual([]);
  });

  it('matches a capitalised acronym even when a zero-width character is hidden in it', () => {
    expect(ids('Posts I\u200BS propaganda')).toEqual(['isil']);
  });

  it('reports each organisation once, in table order, with the alias that matched', () => {
    expect(matchOrganisations('Hezbollah and داعش and Islamic State and ISIS and الدولة الإسلامية')).toEqual([
      { id: 'isil', name: expect.any(String), matched: 'ISIS' },
      { id: 'hizballah_military_wing', name: 'Hizballah Military Wing', matched: 'Hezbollah' },
    ]);
  });

  it('returns nothing for an empty text', () => {
    expect(matchOrganisations('')).toEqual([]);
  });
});
