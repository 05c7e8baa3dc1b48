import {
  ConflictException,
  Inject,
  Injectable,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type {
  SimilarPostDto,
  SimilarPostsDto,
  WaveDecisionResultDto,
  WaveDetailDto,
  WaveMemberDto,
  WaveSummaryDto,
} from '@sieve/contracts';
import { growthPerMinute, normalizeForWaves } from '@sieve/moderation';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/roles';
import { notifyFlagEvent } from '../flags/flag-events.service';
import { FlagsService } from '../flags/flags.service';
import { ReviewService } from '../flags/review.service';
import type { DecideWaveDto, SimilarPostsQuery } from './dto/waves.dto';
import { TEXT_VECTORIZER, type TextVectorizer } from './text-vectorizer';
import { VectorSearch } from './vector-search';
import { VectorStore } from './vector.store';
import { WaveStore, type WaveSummaryRow } from './wave.store';

const LIST_LIMIT = 100;
const SEARCH_RESULTS = 20;
/**
 * Nearest posts read per search. Reposts of one text are shown once with their count, so a text
 * posted a hundred times does not fill the results.
 */
const SEARCH_CANDIDATES = 200;
/** "Find posts like this" shows posts at least this similar. */
const SEARCH_MIN_SIMILARITY = 0.3;

/** Waves as reviewers see them: listed as one row, opened, decided at once, members excluded. */
@Injectable()
export class WavesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(TEXT_VECTORIZER) private readonly vectorizer: TextVectorizer,
    private readonly waves: WaveStore,
    private readonly flags: FlagsService,
    private readonly review: ReviewService,
    private readonly audit: AuditService,
    private readonly vectors: VectorStore,
    private readonly search: VectorSearch,
  ) {}

  /** Open waves (raised ones first, then the biggest), or the latest decided ones. */
  async list(status: 'open' | 'decided' = 'open'): Promise<WaveSummaryDto[]> {
    const rows = await this.waves.summaries(this.db.manager, `w.status = $1`, [status], LIST_LIMIT);
    return rows.map(toSummary);
  }

  async get(id: string): Promise<WaveDetailDto> {
    const [row] = await this.waves.summaries(this.db.manager, `w.id = $1`, [id], 1);
    if (!row) throw new NotFoundException(`Wave ${id} does not exist`);
    const members: {
      flagId: string;
      similarity: number;
      joinedAt: Date;
      excludedAt: Date | null;
      excludedBy: string | null;
    }[] = await this.db.query(
      `SELECT m.flag_id AS "flagId", m.similarity, m.joined_at AS "joinedAt",
              m.excluded_at AS "excludedAt", u.display_name AS "excludedBy"
       FROM wave_members m LEFT JOIN users u ON u.id = m.excluded_by
       WHERE m.wave_id = $1 ORDER BY m.joined_at, m.flag_id`,
      [id],
    );
    const summaries = new Map(
      (
        await this.flags.summaries(
          this.db.manager,
          members.map((m) => m.flagId),
        )
      ).map((f) => [f.id, f]),
    );
    return {
      ...toSummary(row),
      members: members.flatMap((m): WaveMemberDto[] => {
        const flag = summaries.get(m.flagId);
        return flag
          ? [
              {
                flag,
                similarity: Math.round(m.similarity * 100) / 100,
                joinedAt: m.joinedAt.toISOString(),
                excluded: m.excludedAt
                  ? { at: m.excludedAt.toISOString(), by: m.excludedBy }
                  : null,
              },
            ]
          : [];
      }),
    };
  }

  /** Takes a member out of an open wave before it is decided: it returns to the queue on its own. */
  async exclude(waveId: string, flagId: string, who: Principal, ip: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await this.lockOpen(tx, waveId);
      const [rows]: [unknown[], number] = await tx.query(
        `UPDATE wave_members SET excluded_at = now(), excluded_by = $3
         WHERE wave_id = $1 AND flag_id = $2 AND excluded_at IS NULL RETURNING flag_id`,
        [waveId, flagId, who.kind === 'user' ? who.id : null],
      );
      if (!rows.length)
        throw new NotFoundException(`Flag ${flagId} is not a member of wave ${waveId}`);
      await this.audit.record(
        {
          actor: who,
          action: 'wave.member_excluded',
          objectType: 'wave',
          objectId: waveId,
          ip,
          details: { flagId },
        },
        tx,
      );
      await notifyFlagEvent(tx, { type: 'flag.updated', ids: [flagId] });
    });
  }

  /**
   * Decides every member not excluded with the single-flag rules, in one transaction: one
   * audited decision for the wave, one decision and one message to the platform per member.
   * Members the reviewer may not decide (held by someone else, decided already) are skipped
   * and named; a wave none of whose members could be decided stays open.
   */
  async decide(
    waveId: string,
    reviewer: Principal,
    input: DecideWaveDto,
    ip: string,
  ): Promise<WaveDecisionResultDto> {
    return this.db.transaction(async (tx) => {
      await this.lockOpen(tx, waveId);
      const { decided, skipped } = await this.review.decideEach(
        tx,
        await this.waves.memberIds(tx, [waveId]),
        reviewer,
        input,
      );
      if (!decided.length)
        throw new ConflictException({
          message: 'No member of this wave could be decided',
          code: 'wave_nothing_to_decide',
          skipped,
        });
      await tx.query(
        `UPDATE waves SET status = 'decided', decided_at = now(), decided_by = $2, action = $3 WHERE id = $1`,
        [waveId, reviewer.kind === 'user' ? reviewer.id : null, input.action],
      );
      await this.audit.record(
        {
          actor: reviewer,
          action: 'wave.decided',
          objectType: 'wave',
          objectId: waveId,
          ip,
          after: { status: 'decided', action: input.action, reason: input.reason },
          details: { decided: decided.length, flagIds: decided, skipped },
        },
        tx,
      );
      return { waveId, decided: decided.length, skipped };
    });
  }

  /** A flag without a vector that will never have one: unknown (404), or its post erased (409). */
  private async assertComparable(flagId: string): Promise<void> {
    const [flag]: { erased: boolean }[] = await this.db.query(
      `SELECT e.erased_at IS NOT NULL AS erased
       FROM flags f JOIN scored_events e ON e.id = f.scored_event_id AND e.kept WHERE f.id = $1`,
      [flagId],
    );
    if (!flag) throw new NotFoundException(`Flag ${flagId} does not exist`);
    if (flag.erased)
      throw new ConflictException({
        message: "The post's text was erased at the author's request: there is nothing to compare",
        code: 'text_erased',
      });
  }

  /** Posts like a text or like a flag's post, by meaning (text vectors), most similar first. */
  async similar(query: SimilarPostsQuery): Promise<SimilarPostsDto> {
    if (!query.text === !query.flagId)
      throw new UnprocessableEntityException({
        message: 'Give either text or flagId',
        code: 'similar_needs_one_of_text_or_flag',
      });
    const vector = query.flagId
      ? await this.vectors.vectorOfFlag(this.db.manager, query.flagId)
      : (await this.vectorizer.embed([query.text as string]))[0];
    if (!vector && query.flagId) await this.assertComparable(query.flagId);
    if (!vector)
      throw new ConflictException({
        message: 'This flag has no vector yet; try again in a moment',
        code: 'vector_pending',
      });
    const matches = await this.search.search(vector, SEARCH_CANDIDATES, SEARCH_MIN_SIMILARITY, {
      exclude: query.flagId,
    });
    const similarity = new Map(matches.map((m) => [m.flagId, m.similarity]));
    const flags = (
      await this.flags.summaries(
        this.db.manager,
        matches.map((m) => m.flagId),
      )
    ).sort(
      (a, b) =>
        (similarity.get(b.id) ?? 0) - (similarity.get(a.id) ?? 0) ||
        b.createdAt.localeCompare(a.createdAt),
    );
    // The most similar (then newest) post of each text stands for its reposts: the same text
    // as waves see it, case, punctuation and symbols aside.
    const byText = new Map<string, SimilarPostDto>();
    for (const flag of flags) {
      const text = normalizeForWaves(flag.event.text);
      const seen = byText.get(text);
      if (seen) seen.sameText++;
      else
        byText.set(text, {
          flag,
          similarity: Math.round((similarity.get(flag.id) ?? 0) * 100) / 100,
          sameText: 1,
        });
    }
    return {
      method: this.vectorizer.info,
      search: this.search.kind,
      items: [...byText.values()].slice(0, SEARCH_RESULTS),
    };
  }

  private async lockOpen(tx: EntityManager, waveId: string): Promise<void> {
    const [wave]: { status: string }[] = await tx.query(
      `SELECT status FROM waves WHERE id = $1 FOR UPDATE`,
      [waveId],
    );
    if (!wave) throw new NotFoundException(`Wave ${waveId} does not exist`);
    if (wave.status !== 'open')
      throw new ConflictException({
        message: `This wave is ${wave.status === 'merged' ? 'merged into another' : 'decided'}`,
        code: `wave_${wave.status}`,
      });
  }
}

function toSummary(row: WaveSummaryRow): WaveSummaryDto {
  return {
    id: row.id,
    status: row.status,
    size: row.size,
    authors: row.authors,
    firstSeenAt: row.firstSeenAt.toISOString(),
    lastSeenAt: row.lastSeenAt.toISOString(),
    growthPerMinute: Math.round(growthPerMinute(row) * 10) / 10,
    raised:
      row.raisedAt && row.raisedReason
        ? { at: row.raisedAt.toISOString(), reason: row.raisedReason }
        : null,
    samples: row.samples ?? [],
    maxScore: row.maxScore,
    categories: row.categories,
    decided:
      row.decidedAt && row.action ? { at: row.decidedAt.toISOString(), action: row.action } : null,
  };
}
