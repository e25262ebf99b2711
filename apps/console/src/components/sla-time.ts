// The SLA column's text: time left until the case's deadline, or how long it is overdue. The deadline itself is the
// server's (slaDueAt); the console only counts down to it.

export interface SlaRemaining {
  overdue: boolean;
  /** `2d 03h`, `1h 05m`, `4m 09s`: the two largest units, so that the column stays narrow. */
  text: string;
}

export function slaRemaining(dueAtIso: string, nowMs: number): SlaRemaining {
  const diff = Date.parse(dueAtIso) - nowMs;
  const overdue = diff < 0;
  let seconds = Math.floor(Math.abs(diff) / 1000);
  const days = Math.floor(seconds / 86_400);
  seconds -= days * 86_400;
  const hours = Math.floor(seconds / 3600);
  seconds -= hours * 3600;
  const minutes = Math.floor(seconds / 60);
  seconds -= minutes * 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  let text: string;
  if (days > 0) text = `${days}d ${pad(hours)}h`;
  else if (hours > 0) text = `${hours}h ${pad(minutes)}m`;
  else text = `${minutes}m ${pad(seconds)}s`;
  return { overdue, text };
}
