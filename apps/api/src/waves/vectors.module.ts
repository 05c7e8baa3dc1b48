import { Global, Logger, Module } from '@nestjs/common';
import type { MistralClient } from '@sieve/mistral';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MISTRAL_CLIENT } from '../mistral/mistral.module';
import {
  MistralVectorizer,
  OfflineVectorizer,
  TEXT_VECTORIZER,
  type TextVectorizer,
} from './text-vectorizer';
import { ExactVectorSearch } from './exact-vector-search';
import { PgvectorSearch } from './pgvector-search';
import { VectorSearch } from './vector-search';
import { VectorStore } from './vector.store';

/** Text vectors and search by meaning: waves group with them, flags find similar decided posts. */
@Global()
@Module({
  providers: [
    {
      provide: TEXT_VECTORIZER,
      inject: [APP_CONFIG, MISTRAL_CLIENT],
      useFactory: (config: AppConfig, client: MistralClient | null): TextVectorizer => {
        const vectorizer = client
          ? new MistralVectorizer(client, config.WAVE_EMBEDDING_MODEL)
          : new OfflineVectorizer();
        new Logger('Waves').log(`Text vectors: ${vectorizer.info.label}`);
        return vectorizer;
      },
    },
    VectorStore,
    ExactVectorSearch,
    PgvectorSearch,
    VectorSearch,
  ],
  exports: [TEXT_VECTORIZER, VectorStore, VectorSearch],
})
export class VectorsModule {}
