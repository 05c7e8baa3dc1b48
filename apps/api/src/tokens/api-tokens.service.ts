import {
  Inject,
  Injectable,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, IsNull } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { hasRole, type Principal, type Role } from '../auth/roles';
import { newSecret, secretHash } from '../auth/tokens';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { UsersService } from '../users/users.service';
import type { ApiTokenDto, CreateApiTokenDto } from './api-tokens.dto';
import { ApiToken } from './entities/api-token.entity';

export const TOKEN_PREFIX = 'sieve_';

const DAY_MS = 24 * 3600 * 1000;
/** A busy script would otherwise write the same row on every request: "last used" is kept to the minute. */
const LAST_USED_PRECISION_SECONDS = 60;

interface TokenRow {
  id: string;
  name: string;
  role: Role;
  actor_user_id: string;
  creator_role: Role | null;
  creator_disabled: boolean | null;
  stale: boolean;
}

/**
 * Tokens for platform integrations: scoped to a role, stored hashed, shown once, always expiring.
 * A token acts in reviews as its own service account, and only while the admin who created it
 * is active, with no more than that admin's current role.
 */
@Injectable()
export class ApiTokensService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {}

  async create(
    input: CreateApiTokenDto,
    actor: Principal,
    ip: string,
  ): Promise<ApiTokenDto & { token: string }> {
    const expiresAt = this.expiry(input.expiresAt);
    const token = newSecret(TOKEN_PREFIX);
    const id = randomUUID();
    return this.db.transaction(async (tx) => {
      const actorUserId = await this.users.createServiceAccount(tx, {
        id,
        name: input.name,
        role: input.role,
      });
      const tokens = tx.getRepository(ApiToken);
      const saved = await tokens.save(
        tokens.create({
          id,
          name: input.name,
          tokenHash: secretHash(token),
          role: input.role,
          actorUserId,
          createdBy: actor.kind === 'user' ? actor.id : null,
          expiresAt,
        }),
      );
      await this.audit.record(
        {
          actor,
          action: 'token.created',
          objectType: 'api_token',
          objectId: id,
          ip,
          after: { name: saved.name, role: saved.role, expiresAt: expiresAt.toISOString() },
        },
        tx,
      );
      return { ...toDto(saved, { creatorDisabled: false }), token };
    });
  }

  /** No token lives forever: unset means the default lifetime, and none may exceed the maximum. */
  private expiry(requested: string | undefined): Date {
    const now = Date.now();
    const max = now + this.config.API_TOKEN_MAX_DAYS * DAY_MS;
    if (requested === undefined) return new Date(now + this.config.API_TOKEN_DEFAULT_DAYS * DAY_MS);
    const at = new Date(requested).getTime();
    const problem =
      at <= now
        ? 'must be in the future'
        : at > max
          ? `must be at most ${this.config.API_TOKEN_MAX_DAYS} days from now (API_TOKEN_MAX_DAYS)`
          : null;
    if (problem)
      throw new UnprocessableEntityException({
        message: `expiresAt ${problem}`,
        details: [{ field: 'expiresAt', errors: [problem] }],
      });
    return new Date(at);
  }

  async list(): Promise<ApiTokenDto[]> {
    const rows = await this.db
      .getRepository(ApiToken)
      .createQueryBuilder('t')
      .leftJoin('users', 'creator', 'creator.id = t.created_by')
      .addSelect('COALESCE(creator.disabled, false)', 'creator_disabled')
      .orderBy('t.created_at', 'DESC')
      .getRawAndEntities<{ creator_disabled: boolean }>();
    return rows.entities.map((row, i) =>
      toDto(row, { creatorDisabled: rows.raw[i]?.creator_disabled ?? false }),
    );
  }

  async revoke(id: string, actor: Principal, ip: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const { affected } = await tx
        .getRepository(ApiToken)
        .update({ id, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
      if (!affected) throw new NotFoundException(`No active token ${id}`);
      await this.audit.record(
        { actor, action: 'token.revoked', objectType: 'api_token', objectId: id, ip },
        tx,
      );
    });
  }

  /** The token acting as `actorUserId` is still live: not revoked, expired or suspended. */
  async isActive(actorUserId: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(TOKEN_STILL_VALID_SQL, [actorUserId]);
    return rows.length > 0;
  }

  async resolve(token: string): Promise<Principal | null> {
    if (!token.startsWith(TOKEN_PREFIX)) return null;
    const [row]: TokenRow[] = await this.db.query(
      `SELECT t.id, t.name, t.role, t.actor_user_id,
              creator.role AS creator_role, creator.disabled AS creator_disabled,
              t.last_used_at IS NULL OR t.last_used_at < now() - make_interval(secs => $2) AS stale
         FROM api_tokens t LEFT JOIN users creator ON creator.id = t.created_by
        WHERE t.token_hash = $1 AND t.revoked_at IS NULL
          AND (t.expires_at IS NULL OR t.expires_at > now())`,
      [secretHash(token), LAST_USED_PRECISION_SECONDS],
    );
    if (!row || row.creator_disabled) return null;
    // (npm run chaos, scenario 6: 200 clients on one token queued behind its row lock.)
    if (row.stale) {
      await this.db.query(`UPDATE api_tokens SET last_used_at = now() WHERE id = $1`, [row.id]);
    }
    // An admin demoted since takes the token's extra power down with them.
    const role =
      row.creator_role && !hasRole(row.creator_role, row.role) ? row.creator_role : row.role;
    return {
      kind: 'token',
      id: row.actor_user_id,
      label: row.name,
      role,
      csrfToken: null,
      sessionId: null,
    };
  }
}

const TOKEN_STILL_VALID_SQL = `
  SELECT 1 FROM api_tokens t LEFT JOIN users creator ON creator.id = t.created_by
   WHERE t.actor_user_id = $1 AND t.revoked_at IS NULL
     AND (t.expires_at IS NULL OR t.expires_at > now()) AND NOT COALESCE(creator.disabled, false)`;

function toDto(row: ApiToken, state: { creatorDisabled: boolean }): ApiTokenDto {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    suspended: state.creatorDisabled ? 'creator_disabled' : null,
  };
}
