import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import { UserEntity } from '@vigil/database';
import { DomainError } from '@vigil/domain';
import { DataSource } from 'typeorm';
import { LoginThrottle } from './login-throttle';
import { PasswordHasher } from './password-hasher';
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
}

@Injectable()
export class Login {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(VIGIL_CONFIG) private readonly config: VigilConfig,
    private readonly hasher: PasswordHasher,
    private readonly jwt: JwtService,
    private readonly throttle: LoginThrottle,
  ) {}

  async execute(input: LoginInput): Promise<LoginResult> {
    const email = input.email.trim().toLowerCase();
    await this.throttle.assertAllowed(email, input.clientAddress);
    const user = await this.db.getRepository(UserEntity).findOneBy({ email });
    const ok = await this.hasher.verify(user?.passwordHash ?? null, input.password);
    // One answer for an unknown email, a wrong password and a disabled account alike.
    if (!user || !ok || user.disabled) {
      await this.throttle.failed(email, input.clientAddress);
      throw new DomainError('INVALID_CREDENTIALS', 'invalid email or password');
    }
    await this.throttle.succeeded(email);
    const claims: AccessTokenClaims = { sub: user.id, roles: user.roles };
    const accessToken = await this.jwt.signAsync(claims, { expiresIn: this.config.jwtTtlSeconds });
    return { accessToken, tokenType: 'Bearer', expiresIn: this.config.jwtTtlSeconds, user: userView(user) };
  }
}
