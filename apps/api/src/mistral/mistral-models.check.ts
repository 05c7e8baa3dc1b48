import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { MistralApiError, type MistralClient, type ModelCard } from '@sieve/mistral';
import { APP_CONFIG, type AppConfig, ConfigError } from '../config/app-config';
import { MISTRAL_CLIENT } from './mistral.tokens';

/**
 * With a key, the configured models must exist for it: a typo in MISTRAL_MODERATION_MODEL would
 * otherwise fail every batch later, one dead letter at a time. One GET /v1/models at start; if
 * Mistral cannot be reached then, start anyway (scoring pauses and retries as for any outage).
 */
@Injectable()
export class MistralModelsCheck implements OnApplicationBootstrap {
  private readonly logger = new Logger('Mistral');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MISTRAL_CLIENT) private readonly client: MistralClient | null,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.client) return;
    let cards: ModelCard[];
    try {
      cards = (await this.client.models.list({ timeoutMs: 10_000 })).data;
    } catch (error) {
      // A wrong key is a configuration error like a wrong model; an outage is not.
      if (error instanceof MistralApiError && (error.status === 401 || error.status === 403))
        throw new ConfigError(
          `Invalid configuration:\n  MISTRAL_API_KEY: Mistral refused it (${error.status})`,
        );
      this.logger.warn(
        `Could not check the configured models (GET /v1/models: ${(error as Error).message}); starting anyway`,
      );
      return;
    }
    const problems = [
      this.problem(
        'MISTRAL_MODERATION_MODEL',
        this.config.MISTRAL_MODERATION_MODEL,
        cards,
        'moderation',
      ),
      this.problem('MISTRAL_CHAT_MODEL', this.config.MISTRAL_CHAT_MODEL, cards, 'completion_chat'),
    ].filter((p): p is string => p !== null);
    if (problems.length > 0)
      throw new ConfigError(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }

  private problem(
    setting: string,
    model: string,
    cards: ModelCard[],
    capability: 'moderation' | 'completion_chat',
  ): string | null {
    const card = cards.find((c) => c.id === model || c.aliases?.includes(model));
    if (!card) {
      const offered = cards
        .filter((c) => c.capabilities[capability])
        .map((c) => c.id)
        .join(', ');
      return `${setting}: "${model}" is not a model of this Mistral account (it offers: ${offered || 'none'})`;
    }
    if (!card.capabilities[capability])
      return `${setting}: "${model}" cannot do ${capability === 'moderation' ? 'moderation' : 'chat'}`;
    return null;
  }
}
