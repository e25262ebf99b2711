import { SetMetadata } from '@nestjs/common';
import type { Role } from '@vigil/domain';

export const ACCESS_POLICY = 'vigil:access-policy';

export type AccessPolicy = { kind: 'public' } | { kind: 'roles'; roles: readonly Role[] };

/** Anyone may call the route (authentication is still read when present). */
export const Public = () => SetMetadata(ACCESS_POLICY, { kind: 'public' } satisfies AccessPolicy);

/** Only callers holding one of these roles. A route with neither decorator is denied to everyone. */
export const Roles = (...roles: Role[]) => SetMetadata(ACCESS_POLICY, { kind: 'roles', roles } satisfies AccessPolicy);
