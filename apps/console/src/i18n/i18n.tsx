import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { ar } from './ar';
import { type Catalogue, en, type MessageKey } from './en';

export const LANGUAGES = { en: { name: 'English', dir: 'ltr' }, ar: { name: 'العربية', dir: 'rtl' } } as const;
export type Language = keyof typeof LANGUAGES;

const CATALOGUES: Record<Language, Catalogue> = { en, ar };
const STORAGE_KEY = 'vigil.language';

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** `{name}` placeholders filled from params; a missing one stays visible rather than silently vanishing. */
export function format(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

interface I18n {
  language: Language;
  setLanguage: (language: Language) => void;
  t: Translate;
  formatTime: (iso: string) => string;
}

const I18nContext = createContext<I18n | null>(null);

function initialLanguage(): Language {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored === 'en' || stored === 'ar') return stored;
  return navigator.language.toLowerCase().startsWith('ar') ? 'ar' : 'en';
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(initialLanguage);
  useEffect(() => {
    document.documentElement.lang = language;
    document.documentElement.dir = LANGUAGES[language].dir;
  }, [language]);
  const setLanguage = useCallback((next: Language) => {
    localStorage.setItem(STORAGE_KEY, next);
    setLanguageState(next);
  }, []);
  const value = useMemo<I18n>(() => {
    const catalogue = CATALOGUES[language];
    const dates = new Intl.DateTimeFormat(language === 'ar' ? 'ar' : 'en-GB', {
      dateStyle: 'medium',
      timeStyle: 'medium',
    });
    return {
      language,
      setLanguage,
      t: (key, params) => format(catalogue[key], params),
      formatTime: (iso) => dates.format(new Date(iso)),
    };
  }, [language, setLanguage]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
