import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import { Authenticator } from './authenticate';
import { BootstrapAdmin } from './bootstrap-admin';
import { CreateUser } from './create-user.use-case';
import { Login } from './login.use-case';
import { PasswordHasher } from './password-hasher';
import { UpdateUser } from './update-user.use-case';
import { UserDirectory } from './user-directory';

@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [VIGIL_CONFIG],
      useFactory: (config: VigilConfig) => ({
        secret: config.jwtSecret,
        signOptions: { algorithm: 'HS256', issuer: 'vigil' },
        verifyOptions: { algorithms: ['HS256'], issuer: 'vigil' },
      }),
    }),
  ],
  providers: [PasswordHasher, CreateUser, UpdateUser, Login, Authenticator, BootstrapAdmin, UserDirectory],
  exports: [CreateUser, UpdateUser, Login, Authenticator, BootstrapAdmin, UserDirectory],
})
export class IdentityModule {}
