import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Principal, Role } from '../auth/roles';
import { newSecret, secretHash } from '../auth/tokens';
import type { ApiTokenDto, CreateApiTokenDto } from './api-tokens.dto';

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
      const [row]: ApiTokenDto[] = await tx.query(
        `INSERT INTO api_tokens (name, token_hash, role, created_by, expires_at)
         VALUES ($1, $2, $3, $4, $5)
         RETURNING id, name, role, created_at AS "createdAt", expires_at AS "expiresAt", last_used_at AS "lastUsedAt", revoked_at AS "revokedAt"`,
        [
          input.name,
          secretHash(token),
          input.role,
          actor.kind === 'user' ? actor.id : null,
          input.expiresAt ?? null,
        ],
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

  list(): Promise<ApiTokenDto[]> {
    return this.db.query(
      `SELECT id, name, role, created_at AS "createdAt", expires_at AS "expiresAt", last_used_at AS "lastUsedAt", revoked_at AS "revokedAt"
       FROM api_tokens ORDER BY created_at DESC`,
    );
  }

  async revoke(id: string, actor: Principal, ip: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const [, count]: [unknown, number] = await tx.query(
        `UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`,
        [id],
      );
      if (count === 0) throw new NotFoundException(`No active token ${id}`);
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
