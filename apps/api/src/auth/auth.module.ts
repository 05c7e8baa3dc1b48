import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { ApiTokensModule } from '../tokens/api-tokens.module';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { LiveStreamsService } from './live-streams.service';
import { LoginThrottleService } from './login-throttle.service';
import { SessionsModule } from './sessions.module';

/**
 * Sign-in, sessions, and the guards every request passes: a rate limit per client address and
 * route (RATE_LIMIT_PER_MINUTE, in each process's memory), then the guard that closes every
 * route that does not name a role.
 */
@Module({
  imports: [
    UsersModule,
    SessionsModule,
    ApiTokensModule,
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        throttlers: [{ ttl: 60_000, limit: config.RATE_LIMIT_PER_MINUTE }],
        skipIf: () => config.RATE_LIMIT_PER_MINUTE === 0,
      }),
    }),
  ],
  controllers: [AuthController],
  exports: [LiveStreamsService],
  providers: [
    AuthService,
    LoginThrottleService,
    LiveStreamsService,
    { provide: APP_GUARD, useClass: ThrottlerGuard },
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
})
export class AuthModule {}
