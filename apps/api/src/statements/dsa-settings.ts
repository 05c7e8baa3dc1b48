import { readFileSync } from 'node:fs';
import {
  DEFAULT_DSA_CATEGORY_MAP,
  DSA_CATEGORIES,
  DSA_KEYWORDS,
  type DsaCategoryMapping,
  type DsaSettings,
} from '@sieve/moderation';
import { z } from 'zod';
import type { AppConfig } from '../config/app-config';

const mappingSchema = z.record(
  z.string(),
  z
    .object({
      category: z.enum(DSA_CATEGORIES),
      specifications: z.array(z.enum(DSA_KEYWORDS)).optional(),
      legalGround: z.string().min(1).max(500).optional(),
      legalExplanation: z.string().min(1).max(2000).optional(),
    })
    .strict(),
);

/** The statement settings from the configuration; a bad DSA_CATEGORY_MAP_FILE stops the start. */
export function dsaSettings(config: AppConfig): DsaSettings {
  let overrides: Record<string, DsaCategoryMapping> = {};
  if (config.DSA_CATEGORY_MAP_FILE) {
    const file = config.DSA_CATEGORY_MAP_FILE;
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`DSA_CATEGORY_MAP_FILE ${file}: ${(error as Error).message}`);
    }
    const parsed = mappingSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(
        `DSA_CATEGORY_MAP_FILE ${file}: ${issue.path.join('.')}: ${issue.message} (categories and keywords are the Transparency Database's, e.g. STATEMENT_CATEGORY_VIOLENCE)`,
      );
    }
    overrides = parsed.data;
  }
  return {
    categoryMap: { ...DEFAULT_DSA_CATEGORY_MAP, ...overrides },
    termsGround: config.DSA_TERMS_GROUND,
    termsUrl: config.DSA_TERMS_URL,
    visibility: config.DSA_VISIBILITY,
    territorialScope: config.DSA_TERRITORIAL_SCOPE,
  };
}
