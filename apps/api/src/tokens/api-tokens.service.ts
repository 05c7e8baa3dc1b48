import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Principal, Role } from '../auth/roles';
import { newSecret, secretHash } from '../auth/tokens';
import type { ApiTokenDto, CreateApiTokenDto } from './api-tokens.dto';
import { ApiToken } from './entities/api-token.entity';

export const TOKEN_PREFIX = 'sieve_';

/** Tokens for platform integrations: scoped to a role, stored hashed, shown once. */
const LAST_USED_PRECISION_SECONDS = 60;

@Injectable()
export class ApiTokensService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  async create(
    input: CreateApiTokenDto,
    actor: Principal,
    ip: string,
  ): Promise<ApiTokenDto & { token: string }> {
    const token = newSecret(TOKEN_PREFIX);
    return this.db.transaction(async (tx) => {
      const tokens = tx.getRepository(ApiToken);
      const row = toDto(
        await tokens.save(
          tokens.create({
            name: input.name,
            tokenHash: secretHash(token),
            role: input.role,
            createdBy: actor.kind === 'user' ? actor.id : null,
            expiresAt: input.expiresAt ? new Date(input.expiresAt) : null,
          }),
        ),
      );
      await this.audit.record(
        {
          actor,
          action: 'token.created',
          objectType: 'api_token',
          objectId: row.id,
          ip,
          after: { name: row.name, role: row.role },
        },
        tx,
      );
      return { ...row, token };
    });
  }

  async list(): Promise<ApiTokenDto[]> {
    const rows = await this.db.getRepository(ApiToken).find({ order: { createdAt: 'DESC' } });
    return rows.map(toDto);
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

  async resolve(token: string): Promise<Principal | null> {
    if (!token.startsWith(TOKEN_PREFIX)) return null;
    const [row]: { id: string; name: string; role: Role; stale: boolean }[] = await this.db.query(
      `SELECT id, name, role,
              last_used_at IS NULL OR last_used_at < now() - make_interval(secs => $2) AS stale
         FROM api_tokens
        WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
      [secretHash(token), LAST_USED_PRECISION_SECONDS],
    );
    // A busy script would otherwise write the same row on every request: "last used" is kept
    // to the minute (200 clients on one token queued behind its row lock: npm run chaos, 6).
    if (row?.stale) {
      await this.db.query(`UPDATE api_tokens SET last_used_at = now() WHERE id = $1`, [row.id]);
    }
    return row
      ? {
          kind: 'token',
          id: row.id,
          label: row.name,
          role: row.role,
          csrfToken: null,
          sessionId: null,
        }
      : null;
  }
}

function toDto(row: ApiToken): ApiTokenDto {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}
