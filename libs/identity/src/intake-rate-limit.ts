import { Inject, Injectable } from '@nestjs/common';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import { DomainError } from '@vigil/domain';
import type { Principal } from './principal';
import { RateLimiter, RateLimitRule } from './rate-limiter';

/**
 * Report intake limits: an API key has its own budget (RATE_LIMIT_KEY_PER_MINUTE), everyone else shares one per
 * client address (RATE_LIMIT_PUBLIC_PER_MINUTE). Every attempt counts, valid or not, so probing is limited too.
 */
@Injectable()
export class IntakeRateLimit {
  private readonly perKey: RateLimitRule;
  private readonly perAddress: RateLimitRule;

  constructor(
    private readonly limiter: RateLimiter,
    @Inject(VIGIL_CONFIG) config: VigilConfig,
  ) {
    this.perKey = { name: 'intake-key', limit: config.rateLimitKeyPerMinute, windowSeconds: 60 };
    this.perAddress = { name: 'intake-address', limit: config.rateLimitPublicPerMinute, windowSeconds: 60 };
  }

  /** Counts one intake request, or throws RATE_LIMITED (429 with Retry-After) when the budget is spent. */
  async take(principal: Principal | null, clientAddress: string): Promise<void> {
    const [rule, subject] =
      principal?.kind === 'api_key' ? [this.perKey, principal.apiKeyId] : [this.perAddress, clientAddress];
    const decision = await this.limiter.take(rule, subject);
    if (!decision.allowed) {
      throw new DomainError(
        'RATE_LIMITED',
        `too many reports: at most ${rule.limit} a minute; try again in ${decision.retryAfterSeconds} s`,
        { retryAfterSeconds: decision.retryAfterSeconds },
      );
    }
  }
}
