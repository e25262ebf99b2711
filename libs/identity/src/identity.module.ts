import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { createSecretKey } from 'node:crypto';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import { Authenticator } from './authenticate';
import { BootstrapAdmin } from './bootstrap-admin';
import { CreateUser } from './create-user.use-case';
import { Login } from './login.use-case';
import { OpenQueueBoard } from './open-queue-board.use-case';
import { PasswordHasher } from './password-hasher';
import { UpdateUser } from './update-user.use-case';
import { UserDirectory } from './user-directory';
import { ApiKeyDirectory } from './api-key-directory';
import { CreateApiKey } from './create-api-key.use-case';
import { IntakeRateLimit } from './intake-rate-limit';
import { LoginThrottle } from './login-throttle';
import { RateLimiter } from './rate-limiter';
import { ResetPassword } from './reset-password.use-case';
import { RevokeApiKey } from './revoke-api-key.use-case';

/** What other modules use; PasswordHasher and LoginThrottle stay inside (Login and CreateUser use them). */
const EXPORTED = [
  CreateUser,
  UpdateUser,
  ResetPassword,
  Login,
  Authenticator,
  BootstrapAdmin,
  UserDirectory,
  CreateApiKey,
  RevokeApiKey,
  ApiKeyDirectory,
  RateLimiter,
  IntakeRateLimit,
  OpenQueueBoard,
];

/** Needs ConfigModule, DatabaseModule, AuditModule and QueuesModule (its RedisClient keeps the rate limits). */
@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [VIGIL_CONFIG],
      useFactory: (config: VigilConfig) => ({
        // A KeyObject, not the string: given a string, jsonwebtoken first tries it as a PEM public key on every
        // verify and only then, after that throws, as an HMAC secret — a few per cent of the API's CPU in review.
        secret: createSecretKey(Buffer.from(config.jwtSecret, 'utf8')),
        signOptions: { algorithm: 'HS256', issuer: 'vigil' },
        verifyOptions: { algorithms: ['HS256'], issuer: 'vigil' },
      }),
    }),
  ],
  providers: [...EXPORTED, PasswordHasher, LoginThrottle],
  exports: EXPORTED,
})
export class IdentityModule {}
