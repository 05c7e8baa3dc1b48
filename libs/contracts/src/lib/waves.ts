import type { FlagSummaryDto } from './flags';

/** How flagged texts become vectors: Mistral's embedding model, or the offline method. */
export interface VectorMethodDto {
  method: string;
  /** True without a Mistral key: hashed character n-grams, not a language model. */
  offline: boolean;
  label: string;
}

/** An open wave as the queue shows it: one row for many near-duplicate flags. */
export interface WaveSummaryDto {
  id: string;
  status: 'open' | 'decided' | 'merged';
  /** Members not excluded. */
  size: number;
  authors: number;
  firstSeenAt: string;
  lastSeenAt: string;
  /** Members that arrived per minute over the last 10 minutes. */
  growthPerMinute: number;
  /** Raised as a campaign: growing fast, spanning many authors, or both. */
  raised: {
    at: string;
    reason: 'fast_growth' | 'many_authors' | 'fast_growth_many_authors';
  } | null;
  /** A few members' texts (most recent first). */
  samples: string[];
  /** The highest score among members, and the categories they triggered. */
  maxScore: number;
  categories: string[];
  decided: { at: string; action: string } | null;
}

export interface WaveMemberDto {
  flag: FlagSummaryDto;
  /** Cosine similarity to the member it joined through (1 for an equal text). */
  similarity: number;
  joinedAt: string;
  excluded: { at: string; by: string | null } | null;
}

export interface WaveDetailDto extends WaveSummaryDto {
  members: WaveMemberDto[];
}

/** The outcome of deciding a wave: one per member that was not excluded. */
export interface WaveDecisionResultDto {
  waveId: string;
  decided: number;
  /** Members left undecided, with why (claimed by someone else, decided already, not yours to decide). */
  skipped: { flagId: string; reason: string }[];
}

/** A post found by meaning ("find posts like this"). */
export interface SimilarPostDto {
  /** The most similar (then newest) of the found posts with this exact text. */
  flag: FlagSummaryDto;
  similarity: number;
  /**
   * Found posts with the same text, this one included (case, punctuation and symbols aside, as
   * waves compare texts): reposts are listed once.
   */
  sameText: number;
}

export interface SimilarPostsDto {
  method: VectorMethodDto;
  search: 'exact' | 'pgvector';
  items: SimilarPostDto[];
}
