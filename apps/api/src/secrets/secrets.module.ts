import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { SecretBox, secretsKeyBytes } from './secret-box';
import { SecretsResealer } from './secrets-resealer';

@Global()
@Module({
  providers: [
    {
      provide: SecretBox,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new SecretBox(
          config.SECRETS_KEY ? secretsKeyBytes(config.SECRETS_KEY) : null,
          config.SECRETS_PREVIOUS_KEYS.map(secretsKeyBytes),
        ),
    },
    SecretsResealer,
  ],
  exports: [SecretBox],
})
export class SecretsModule {}
