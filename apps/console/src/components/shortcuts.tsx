import { useEffect, useRef } from 'react';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/en';

// Keyboard shortcuts for the common moves. Pages register what a key does while they are shown; the staff layout
// listens once and lists them under `?`. Keys typed into a field are the field's.
type Handler = () => void;
const handlers = new Map<string, Handler>();

export const SHORTCUTS: { key: string; label: MessageKey }[] = [
  { key: 'q', label: 'shortcuts.queue' },
  { key: 'n', label: 'shortcuts.next' },
  { key: 'c', label: 'shortcuts.claim' },
  { key: 'd', label: 'shortcuts.decide' },
  { key: '?', label: 'shortcuts.help' },
];

/** While the calling component is mounted, `key` runs `handler` (the latest one given). */
export function useShortcut(key: string, handler: Handler): void {
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    const run = () => latest.current();
    handlers.set(key, run);
    return () => {
      if (handlers.get(key) === run) handlers.delete(key);
    };
  }, [key]);
}

function typingInto(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))
  );
}

/** The listener and the `?` dialog; mounted once by the staff layout. */
export function Shortcuts() {
  const { t } = useI18n();
  const dialog = useRef<HTMLDialogElement>(null);
  useShortcut('?', () => dialog.current?.showModal());
  useEffect(() => {
    const listener = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey || typingInto(event.target) || dialog.current?.open) return;
      const handler = handlers.get(event.key);
      if (!handler) return;
      event.preventDefault();
      handler();
    };
    document.addEventListener('keydown', listener);
    return () => document.removeEventListener('keydown', listener);
  }, []);
  return (
    <dialog ref={dialog} aria-labelledby="shortcuts-heading">
      <h2 id="shortcuts-heading">{t('shortcuts.title')}</h2>
      <dl className="shortcuts">
        {SHORTCUTS.map(({ key, label }) => (
          <div key={key}>
            <dt>
              <kbd>{key}</kbd>
            </dt>
            <dd>{t(label)}</dd>
          </div>
        ))}
      </dl>
      <form method="dialog">
        <button type="submit">{t('shortcuts.close')}</button>
      </form>
    </dialog>
  );
}
