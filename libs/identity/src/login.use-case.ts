import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import { UserEntity } from '@vigil/database';
import { DomainError } from '@vigil/domain';
import { DataSource } from 'typeorm';
import { PasswordHasher } from './password-hasher';
import { UserView, userView } from './user-view';

export interface LoginResult {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  user: UserView;
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
  ) {}

  async execute(input: { email: string; password: string }): Promise<LoginResult> {
    const user = await this.db.getRepository(UserEntity).findOneBy({ email: input.email.trim().toLowerCase() });
    const ok = await this.hasher.verify(user?.passwordHash ?? null, input.password);
    // One answer for an unknown email, a wrong password and a disabled account alike.
    if (!user || !ok || user.disabled) throw new DomainError('INVALID_CREDENTIALS', 'invalid email or password');
    const claims: AccessTokenClaims = { sub: user.id, roles: user.roles };
    const accessToken = await this.jwt.signAsync(claims, { expiresIn: this.config.jwtTtlSeconds });
    return { accessToken, tokenType: 'Bearer', expiresIn: this.config.jwtTtlSeconds, user: userView(user) };
  }
}
