import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError, Role } from '@vigil/domain';
import { ACCESS_POLICY, AccessPolicy, Authenticator, Principal } from '@vigil/identity';
import type { IncomingHttpHeaders } from 'node:http';
import type { VigilRequest } from './vigil-request';

/**
 * Deny by default: every route must declare `@Public()` or `@Roles(...)`. Credentials, when sent, are always
 * checked — a wrong bearer token or API key is a 401 even on a public route, never a silent anonymous call.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const policy = this.reflector.getAllAndOverride<AccessPolicy | undefined>(ACCESS_POLICY, [
      context.getHandler(),
      context.getClass(),
    ]);
    const request = context.switchToHttp().getRequest<VigilRequest>();
    request.principal = await this.authenticate(request);
    if (!policy) throw new DomainError('FORBIDDEN', 'this route has no access policy');
    if (policy.kind === 'public') return true;
    const principal = request.principal;
    if (!principal) throw new DomainError('NOT_AUTHENTICATED', 'authentication required');
    assertHoldsRole(principal, policy.roles);
    return true;
  }

  private authenticate(request: VigilRequest): Promise<Principal | null> {
    return principalFromHeaders(request.headers, this.authenticator);
  }
}

/**
 * The caller a request's credentials name: a bearer token or an API key, checked by the Authenticator; null when it
 * sends neither. Also used in front of Bull Board (queue-board.ts), which Nest's guard does not cover.
 */
export async function principalFromHeaders(
  headers: IncomingHttpHeaders,
  authenticator: Authenticator,
): Promise<Principal | null> {
  const authorization = headers.authorization;
  const apiKey = headers['x-api-key'];
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match) throw new DomainError('NOT_AUTHENTICATED', 'Authorization must be "Bearer <token>"');
    return authenticator.fromBearer(match[1]);
  }
  if (apiKey !== undefined) {
    if (typeof apiKey !== 'string' || apiKey.length === 0 || apiKey.length > 256) {
      throw new DomainError('NOT_AUTHENTICATED', 'unknown or revoked API key');
    }
    return authenticator.fromApiKey(apiKey);
  }
  return null;
}

/** FORBIDDEN unless the principal holds one of the roles. */
export function assertHoldsRole(principal: Principal, roles: readonly Role[]): void {
  const held = principal.kind === 'staff' ? principal.roles : [principal.role];
  if (!held.some((role) => roles.includes(role))) throw new DomainError('FORBIDDEN', 'your role does not allow this');
}
