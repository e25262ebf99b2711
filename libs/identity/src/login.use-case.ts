import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import { UserEntity } from '@vigil/database';
import { DomainError } from '@vigil/domain';
import { ActionContext, AuditService } from '@vigil/audit';
import { createHmac } from 'node:crypto';
import { DataSource } from 'typeorm';
import { LoginThrottle } from './login-throttle';
import { PasswordHasher } from './password-hasher';
import { actorOf } from './principal';
import { UserView, userView } from './user-view';

export interface LoginResult {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  user: UserView;
}

export interface LoginInput {
  email: string;
  password: string;
  /** The caller's address, for throttling guesses per address. */
  clientAddress: string;
}

export interface AccessTokenClaims {
  sub: string;
  roles: string[];
  /** The user's session version when the token was issued (absent on tokens older than it: 0). */
  sv?: number;
}

@Injectable()
export class Login {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(VIGIL_CONFIG) private readonly config: VigilConfig,
    private readonly hasher: PasswordHasher,
    private readonly jwt: JwtService,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditService,
  ) {}

  /**
   * Audited either way (`auth.login_succeeded` by the user, `auth.login_failed` against the account, or against a
   * keyed hash of an email no account has): never the password, never an unknown email in clear.
   */
  async execute(input: LoginInput, ctx: ActionContext): Promise<LoginResult> {
    const email = input.email.trim().toLowerCase();
    await this.throttle.assertAllowed(email, input.clientAddress);
    const user = await this.db.getRepository(UserEntity).findOneBy({ email });
    const ok = await this.hasher.verify(user?.passwordHash ?? null, input.password);
    // One answer for an unknown email, a wrong password and a disabled account alike.
    if (!user || !ok || user.disabled) {
      await this.throttle.failed(email, input.clientAddress);
      await this.audit.record(this.db.manager, ctx, {
        action: 'auth.login_failed',
        target: user ? { type: 'user', id: user.id } : { type: 'login', id: this.emailHash(email) },
        data: { reason: !user ? 'unknown_email' : user.disabled ? 'disabled' : 'wrong_password' },
      });
      throw new DomainError('INVALID_CREDENTIALS', 'invalid email or password');
    }
    await this.throttle.succeeded(email);
    const principal = { kind: 'staff' as const, userId: user.id, roles: user.roles, email, languages: user.languages };
    await this.audit.record(
      this.db.manager,
      { ...ctx, actor: actorOf(principal) },
      { action: 'auth.login_succeeded', target: { type: 'user', id: user.id } },
    );
    const claims: AccessTokenClaims = { sub: user.id, roles: user.roles, sv: user.sessionVersion };
    const accessToken = await this.jwt.signAsync(claims, { expiresIn: this.config.jwtTtlSeconds });
    return { accessToken, tokenType: 'Bearer', expiresIn: this.config.jwtTtlSeconds, user: userView(user) };
  }

  /** An email as the trail may name it: keyed, so the same address shows as the same hash and no more. */
  private emailHash(email: string): string {
    const mac = createHmac('sha256', this.config.reporterSecret).update(`login:${email}`).digest('hex');
    return `email-hmac:${mac.slice(0, 32)}`;
  }
}
