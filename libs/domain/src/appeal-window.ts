/** How long a decision may be appealed (DSA Art. 20: at least six months from the decision). */
export const APPEAL_WINDOW_MONTHS = 6;

/** The last moment an appeal against a decision taken at `decidedAt` is accepted. */
export function appealDeadline(decidedAt: Date): Date {
  const until = new Date(decidedAt);
  until.setUTCMonth(until.getUTCMonth() + APPEAL_WINDOW_MONTHS);
  return until;
}
