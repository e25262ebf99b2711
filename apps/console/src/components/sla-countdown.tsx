import { useEffect, useState } from 'react';
import { useI18n } from '../i18n/i18n';
import { slaRemaining } from './sla-time';

/** One clock for every countdown on the page, ticking each second. */
const subscribers = new Set<(now: number) => void>();
let timer: ReturnType<typeof setInterval> | undefined;

function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    subscribers.add(setNow);
    timer ??= setInterval(() => {
      const tick = Date.now();
      for (const subscriber of subscribers) subscriber(tick);
    }, 1000);
    return () => {
      subscribers.delete(setNow);
      if (subscribers.size === 0 && timer !== undefined) {
        clearInterval(timer);
        timer = undefined;
      }
    };
  }, []);
  return now;
}

/** Time left until the SLA deadline, live; red (and worded "overdue") once it has passed. */
export function SlaCountdown({ dueAt }: { dueAt: string }) {
  const { t, formatTime } = useI18n();
  const { overdue, text } = slaRemaining(dueAt, useNow());
  return (
    <time dateTime={dueAt} title={formatTime(dueAt)} className={overdue ? 'sla sla-overdue' : 'sla'}>
      {overdue ? t('sla.overdue', { time: text }) : t('sla.left', { time: text })}
    </time>
  );
}
