import type { components } from '../api/schema';

export type User = components['schemas']['UserDto'];
export type StaffRole = User['roles'][number];

export interface Session {
  accessToken: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  user: User;
}

// The token lives in memory and in sessionStorage (this tab only, gone when it closes), never in localStorage or a
// cookie (CONSOLE.md). A reload keeps the session; another tab signs in on its own.
const STORAGE_KEY = 'vigil.session';
type Listener = (session: Session | null, expired: boolean) => void;

let current: Session | null = read();
let endedByExpiry = false;
const listeners = new Set<Listener>();

function read(): Session | null {
  try {
    const parsed = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null') as Session | null;
    return parsed && parsed.expiresAt > Date.now() ? parsed : null;
  } catch {
    return null;
  }
}

export function getSession(): Session | null {
  return current;
}

export function setSession(session: Session): void {
  current = session;
  endedByExpiry = false;
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  for (const listener of listeners) listener(current, false);
}

/** `expired`: the API refused the token (401), as opposed to the person signing out. */
export function clearSession(expired = false): void {
  if (!current) return;
  current = null;
  endedByExpiry = expired;
  sessionStorage.removeItem(STORAGE_KEY);
  for (const listener of listeners) listener(null, expired);
}

/** Whether the last session ended because the API refused its token (the sign-in page says so). */
export function sessionExpired(): boolean {
  return endedByExpiry;
}

export function subscribeSession(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function hasRole(session: Session | null, ...roles: StaffRole[]): boolean {
  return !!session && session.user.roles.some((role) => roles.includes(role));
}

/** Where a signed-in person starts: the queue for those who review, the audit log for an auditor alone. */
export function homeOf(session: Session): string {
  return hasRole(session, 'moderator', 'senior_moderator', 'admin') ? '/' : '/audit';
}
