import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { IntakeRateLimit } from '@vigil/identity';
import type { VigilRequest } from './vigil-request';

/**
 * Applies the report intake limits (libs/identity) to a route. Runs after the global AccessGuard, so the caller's
 * API key is known; a refused request reaches neither validation nor the database.
 */
@Injectable()
export class IntakeRateLimitGuard implements CanActivate {
  constructor(private readonly limits: IntakeRateLimit) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<VigilRequest>();
    await this.limits.take(request.principal ?? null, request.ip);
    return true;
  }
}
