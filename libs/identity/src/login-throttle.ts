import { Injectable, Logger } from '@nestjs/common';
import { DomainError } from '@vigil/domain';
import { RateLimiter, RateLimitRule } from './rate-limiter';

/** Failed logins allowed per account email (known or not, so throttling reveals nothing) in a sliding window. */
export const LOGIN_FAILURES_PER_ACCOUNT: RateLimitRule = { name: 'login-account', limit: 5, windowSeconds: 15 * 60 };
/** Failed logins allowed per client address, whatever the accounts tried (password spraying). */
export const LOGIN_FAILURES_PER_ADDRESS: RateLimitRule = { name: 'login-address', limit: 20, windowSeconds: 15 * 60 };

/**
 * Throttles password guessing: once an account or an address has too many failures in the window, every login for
 * it is refused (429 with Retry-After) before the password is checked, the right one included, until the oldest
 * failures leave the window. A success clears the account's failures, never the address's.
 */
@Injectable()
export class LoginThrottle {
  private readonly logger = new Logger(LoginThrottle.name);

  constructor(private readonly limiter: RateLimiter) {}

  async assertAllowed(email: string, clientAddress: string): Promise<void> {
    const [account, address] = await Promise.all([
      this.limiter.check(LOGIN_FAILURES_PER_ACCOUNT, email),
      this.limiter.check(LOGIN_FAILURES_PER_ADDRESS, clientAddress),
    ]);
    const waits = [account, address].flatMap((d) => (d.allowed ? [] : [d.retryAfterSeconds]));
    if (waits.length === 0) return;
    const retryAfterSeconds = Math.max(...waits);
    // Neither the email nor the address: no log line carries personal data; the line's reqId finds the request.
    this.logger.warn(
      `Login refused while throttled (${account.allowed ? 'address' : 'account'}), ${retryAfterSeconds} s left`,
    );
    throw new DomainError('RATE_LIMITED', 'too many failed logins; try again later', { retryAfterSeconds });
  }

  async failed(email: string, clientAddress: string): Promise<void> {
    const [account, address] = await Promise.all([
      this.limiter.add(LOGIN_FAILURES_PER_ACCOUNT, email),
      this.limiter.add(LOGIN_FAILURES_PER_ADDRESS, clientAddress),
    ]);
    // Each failure is audited by Login (auth.login_failed) until the throttle refuses: past it, attempts are only
    // counted here and logged, so an attacker cannot fill the audit trail at will.
    this.logger.warn(
      'Failed login' +
        (account.allowed ? '' : `; account throttled for ${account.retryAfterSeconds} s`) +
        (address.allowed ? '' : `; address throttled for ${address.retryAfterSeconds} s`),
    );
  }

  async succeeded(email: string): Promise<void> {
    await this.limiter.reset(LOGIN_FAILURES_PER_ACCOUNT, email);
  }
}
