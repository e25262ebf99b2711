import type { ApiKeyRole, StaffRole } from '@vigil/domain';
import type { Actor } from '@vigil/audit';

export interface StaffPrincipal {
  kind: 'staff';
  userId: string;
  email: string;
  roles: StaffRole[];
  languages: string[];
}

export interface ApiKeyPrincipal {
  kind: 'api_key';
  apiKeyId: string;
  role: ApiKeyRole;
  organization: string;
}

export type Principal = StaffPrincipal | ApiKeyPrincipal;

/** The role an audit event names for a staff member: the most privileged one they hold. */
const ROLE_RANK: StaffRole[] = ['admin', 'senior_moderator', 'moderator', 'auditor'];

export function actorOf(principal: Principal | null): Actor {
  if (!principal) return { id: null, role: 'public' };
  if (principal.kind === 'api_key') return { id: principal.apiKeyId, role: principal.role };
  const role = ROLE_RANK.find((r) => principal.roles.includes(r)) ?? principal.roles[0];
  return { id: principal.userId, role };
}
