import fc from 'fast-check';
import { detectLanguage, normaliseText } from './text-normalisation';

describe('normaliseText', () => {
  it.each([
    ['applies NFKC (presentation forms and full-width letters)', 'ﻻ ＩＳＩＳ', 'لا isis'],
    ['lower-cases', 'Islamic STATE', 'islamic state'],
    ['strips harakat (fatha, damma, kasra, shadda, sukun, tanwin)', 'الدَّوْلَةُ الإسْلامِيًّةٌ', 'الدوله الاسلاميه'],
    ['strips the superscript alef', 'هٰذا', 'هذا'],
    ['strips Quranic annotation marks', 'الله\u06D6 اكبر\u06DA', 'الله اكبر'],
    ['strips tatweel', 'الدولـــة', 'الدوله'],
    ['unifies alef with hamza above', 'أعماق', 'اعماق'],
    ['unifies alef with hamza below', 'إسلام', 'اسلام'],
    ['unifies alef with madda', 'آمن', 'امن'],
    ['unifies alef wasla', 'ٱلله', 'الله'],
    ['unifies alef maqsura with ya', 'مصطفى', 'مصطفي'],
    ['unifies Farsi yeh with ya', 'ایران', 'ايران'],
    ['maps ta marbuta to ha', 'دولة', 'دوله'],
    ['maps waw with hamza to waw', 'مؤمن', 'مومن'],
    ['maps ya with hamza to ya', 'رئيس', 'رييس'],
    ['maps Arabic-Indic digits to ASCII', '٠١٢٣٤٥٦٧٨٩', '0123456789'],
    ['maps Extended Arabic-Indic digits to ASCII', '۰۱۲۳۴۵۶۷۸۹', '0123456789'],
    ['strips Latin diacritics', 'Ça Côté Naïve Ñandú', 'ca cote naive nandu'],
    ['folds Latin letters that have no decomposition', 'Øresund Łódź Straße', 'oresund lodz strasse'],
    ['removes zero-width characters without splitting the word', 'Da\u200Be\u200Csh\u200D\uFEFF', 'daesh'],
    ['removes bidi controls', '\u202Bداعش\u202C \u2067ISIS\u2069 \u200Fx', 'داعش isis x'],
    [
      'replaces punctuation and symbols with spaces',
      'al-Qaeda’s "media"! @amaq_news #1 $5 ★',
      'al qaeda s media amaq news 1 5',
    ],
    ['replaces Arabic punctuation with spaces', 'داعش،القاعدة؛حماس؟', 'داعش القاعده حماس'],
    ['treats transliteration apostrophes like an apostrophe', 'Qaʿida Qa’ida Qa\'ida', 'qa ida qa ida qa ida'],
    ['collapses whitespace and trims', '  a \t\n b\u00A0\u3000c  ', 'a b c'],
    ['returns an empty string for only punctuation', ' -- !! ', ''],
  ])('%s', (_behaviour, input, expected) => {
    expect(normaliseText(input)).toBe(expected);
  });

  it('gives the same result for an Arabic name with and without vowel marks and tatweel', () => {
    expect(normaliseText('الدولـــة الإسلاميّة')).toBe(normaliseText('الدولة الاسلامية'));
  });

  it('keeps Hangul syllables composed', () => {
    expect(normaliseText('한국어')).toBe('한국어');
  });

  it('is idempotent', () => {
    const alphabet = [...'aAéÉİıøß ǅﬁ０٣۷أإآٱىیةؤئًٌُـ\u0670\u06D6\u200B\u202Eʿ’-_.,!?،؛؟@#한ЙёΆ\t\n'];
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: fc.constantFrom(...alphabet) }), fc.string({ unit: 'grapheme' })), (s) => {
        const once = normaliseText(s);
        expect(normaliseText(once)).toBe(once);
      }),
    );
  });

  it('never leaves leading, trailing or doubled spaces', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(normaliseText(s)).not.toMatch(/^\s|\s$|\s\s/);
      }),
    );
  });
});

describe('detectLanguage', () => {
  // Persian, Urdu and Indonesian: languages that share a script or most words with a neighbour (Arabic, Malay).
  it.each([
    ['Arabic', 'ar', 'هذه القناة تنشر بيانات التنظيم وتدعو الشباب إلى الانضمام إليه'],
    ['English', 'en', 'This channel posts the group’s statements and calls on people to join it.'],
    ['Russian', 'ru', 'Этот канал публикует заявления группировки и призывает вступать в неё.'],
    ['Persian', 'fa', 'این کانال تبلیغات گروه را منتشر می‌کند و جوانان را به پیوستن دعوت می‌کند'],
    ['Urdu', 'ur', 'یہ چینل گروپ کا پروپیگنڈا پھیلاتا ہے اور نوجوانوں کو شامل ہونے کی دعوت دیتا ہے'],
    ['Indonesian', 'id', 'Saluran ini menyebarkan propaganda kelompok dan mengajak anak muda untuk bergabung.'],
  ])('detects a clear %s sentence', (_language, tag, text) => {
    expect(detectLanguage(text)).toBe(tag);
  });

  it('names a three-word English description (the default model of tinyld called it Swedish)', () => {
    expect(detectLanguage('posts beheading videos')).toBe('en');
  });

  it('ignores links, handles and numbers when detecting', () => {
    expect(detectLanguage('قناة تابعة للتنظيم تنشر بيانات https://t.me/amaq_news_agency @amaq_news 2024')).toBe('ar');
  });

  it.each([
    ['an empty string', ''],
    ['whitespace', '   \n'],
    ['a bare link', 't.me/amaq_news'],
    ['only digits and punctuation', '12345 !!!'],
    ['a single short word', 'ok'],
  ])('returns null for %s', (_what, text) => {
    expect(detectLanguage(text)).toBeNull();
  });
});
