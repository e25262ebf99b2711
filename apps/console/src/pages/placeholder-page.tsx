import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/en';

/** A staff page whose controls are not built yet: its heading (the contract's) and a sentence saying so. */
export function PlaceholderPage({ title, note = 'common.notAvailable' }: { title: MessageKey; note?: MessageKey }) {
  const { t } = useI18n();
  return (
    <section>
      <h1>{t(title)}</h1>
      <p>{t(note)}</p>
    </section>
  );
}
