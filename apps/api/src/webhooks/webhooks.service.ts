import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import {
  WEBHOOK_DECISIONS,
  type WebhookDecision,
  type WebhookKind,
  type WebhookState,
} from '@sieve/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/roles';
import { newSecret } from '../auth/tokens';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { decodeKeyset, encodeKeyset } from '../common/keyset-cursor';
import { SecretBox } from '../secrets/secret-box';
import { webhookContext } from '../secrets/sealed-columns';
import { WebhookDelivery } from './entities/webhook-delivery.entity';
import { WebhookEndpoint } from './entities/webhook-endpoint.entity';
import {
  FAILING_AFTER_FAILURES,
  retryWaitingNow,
  WebhookDeliveryWorker,
  type WebhookWorkerState,
} from './webhook-delivery.worker';
import { WEBHOOKS_CHANGED_CHANNEL, WebhookFanout } from './webhook-fanout';
import { sendWebhook, type WebhookAttempt } from './webhook-sender';
import type {
  CreateWebhookDto,
  ListDeliveriesQuery,
  UpdateWebhookDto,
  WebhookDeliveryDto,
  WebhookDeliveryPageDto,
  WebhookEndpointDto,
} from './webhooks.dto';

const SECRET_PREFIX = 'whsec_';

interface Counts {
  pending: number;
  oldestPendingSeconds: number;
  failed: number;
}

/** Admin-facing webhook endpoints: configuration (audited, secret shown once) and the delivery log. */
@Injectable()
export class WebhooksService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly fanout: WebhookFanout,
    private readonly worker: WebhookDeliveryWorker,
    private readonly secrets: SecretBox,
  ) {}

  async list(): Promise<WebhookEndpointDto[]> {
    const endpoints = await this.db
      .getRepository(WebhookEndpoint)
      .find({ order: { createdAt: 'ASC' } });
    const counts = await this.counts();
    return endpoints.map((e) => toDto(e, counts.get(e.id)));
  }

  async get(id: string): Promise<WebhookEndpointDto> {
    const endpoint = await this.find(id);
    return toDto(endpoint, (await this.counts(id)).get(id));
  }

  /** The secret is in this answer only. */
  async create(
    input: CreateWebhookDto,
    actor: Principal,
    ip: string,
  ): Promise<WebhookEndpointDto & { secret: string }> {
    const secret = newSecret(SECRET_PREFIX);
    const id = randomUUID();
    const endpoint = await this.db.transaction(async (tx) => {
      const repository = tx.getRepository(WebhookEndpoint);
      const saved = await repository.save(
        repository.create({
          id,
          name: input.name,
          url: input.url,
          secret: this.secrets.seal(secret, webhookContext(id)),
          kinds: input.kinds,
          decisions: input.decisions ?? [...WEBHOOK_DECISIONS],
          createdBy: actor.kind === 'user' ? actor.id : null,
        }),
      );
      await this.audit.record(
        {
          actor,
          action: 'webhook.created',
          objectType: 'webhook',
          objectId: saved.id,
          ip,
          after: publicFields(saved),
        },
        tx,
      );
      await this.changed(tx);
      return saved;
    });
    this.fanout.invalidate();
    return { ...toDto(endpoint, undefined), secret };
  }

  async update(
    id: string,
    changes: UpdateWebhookDto,
    actor: Principal,
    ip: string,
  ): Promise<WebhookEndpointDto> {
    await this.db.transaction(async (tx) => {
      const repository = tx.getRepository(WebhookEndpoint);
      const before = await repository.findOne({
        where: { id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!before) throw notFound();
      const after = repository.merge(repository.create({ ...before }), {
        name: changes.name,
        url: changes.url,
        kinds: changes.kinds,
        decisions: changes.decisions,
      });
      if (changes.enabled === true && !before.enabled) {
        Object.assign(after, {
          enabled: true,
          disabledAt: null,
          disabledReason: null,
          consecutiveFailures: 0,
          retryAt: null,
        });
      } else if (changes.enabled === false && before.enabled) {
        Object.assign(after, {
          enabled: false,
          disabledAt: new Date(),
          disabledReason: `disabled by ${actor.label}`,
        });
      }
      const newUrl = changes.url !== undefined && changes.url !== before.url;
      if (newUrl && after.enabled) Object.assign(after, { consecutiveFailures: 0, retryAt: null });
      await repository.save(after);
      // Enabled again, or pointed elsewhere: what waited for a retry is sent now, in order.
      if (after.enabled && (!before.enabled || newUrl)) await retryWaitingNow(tx, id);
      await this.audit.record(
        {
          actor,
          action: 'webhook.updated',
          objectType: 'webhook',
          objectId: id,
          ip,
          before: publicFields(before),
          after: publicFields(after),
        },
        tx,
      );
      await this.changed(tx);
    });
    this.fanout.invalidate();
    this.worker.nudge();
    return this.get(id);
  }

  async remove(id: string, actor: Principal, ip: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const repository = tx.getRepository(WebhookEndpoint);
      const before = await repository.findOneBy({ id });
      if (!before) throw notFound();
      await repository.delete({ id });
      await this.audit.record(
        {
          actor,
          action: 'webhook.deleted',
          objectType: 'webhook',
          objectId: id,
          ip,
          before: publicFields(before),
        },
        tx,
      );
      await this.changed(tx);
    });
    this.fanout.invalidate();
  }

  async deliveries(id: string, query: ListDeliveriesQuery): Promise<WebhookDeliveryPageDto> {
    await this.find(id);
    const limit = query.limit ?? 50;
    const builder = this.db
      .getRepository(WebhookDelivery)
      .createQueryBuilder('d')
      .where('d.endpoint_id = :id', { id })
      .orderBy('d.id', 'DESC')
      .limit(limit + 1);
    if (query.status) builder.andWhere('d.status = :status', { status: query.status });
    if (query.cursor) {
      builder.andWhere('d.id < :after', { after: decodeKeyset(query.cursor, ['id']).id });
    }
    const rows = await builder.getMany();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toDeliveryDto),
      nextCursor: rows.length > limit && last ? encodeKeyset({ id: last.id }) : null,
    };
  }

  /**
   * Queues deliveries again with a fresh retry window: one, or (without `deliveryId`) every one
   * that gave up. Returns how many.
   */
  async redeliver(
    id: string,
    deliveryId: string | null,
    actor: Principal,
    ip: string,
  ): Promise<{ queued: number }> {
    const queued = await this.db.transaction(async (tx) => {
      await this.find(id, tx);
      const [, count] = (await tx.query(
        `UPDATE webhook_deliveries SET status = 'pending', queued_at = now(), delivered_at = NULL,
           next_attempt_at = NULL
         WHERE endpoint_id = $1 AND ${deliveryId ? 'id = $2' : `status = 'failed'`}`,
        deliveryId ? [id, deliveryId] : [id],
      )) as [unknown, number];
      if (deliveryId && count === 0) throw new NotFoundException({ code: 'delivery_not_found' });
      await this.audit.record(
        {
          actor,
          action: 'webhook.redelivered',
          objectType: 'webhook',
          objectId: id,
          ip,
          details: deliveryId ? { deliveryId } : { failedDeliveries: count },
        },
        tx,
      );
      return count;
    });
    this.worker.nudge();
    return { queued };
  }

  /** Sends a signed `ping` now and answers with what the receiver did; nothing is queued. */
  async ping(id: string): Promise<WebhookAttempt> {
    const endpoint = await this.find(id);
    const body = JSON.stringify({
      schemaVersion: 1,
      kind: 'ping',
      sentAt: new Date().toISOString(),
    });
    return sendWebhook(
      { url: endpoint.url, secret: this.secrets.open(endpoint.secret, webhookContext(id)) },
      { messageId: `ping-${randomUUID()}`, kind: 'ping', body },
      this.config.WEBHOOK_TIMEOUT_MS,
    );
  }

  /** Endpoint names by state, for the readiness details. */
  async summary(): Promise<{
    worker: WebhookWorkerState;
    active: number;
    failing: string[];
    disabled: string[];
    pending: number;
  }> {
    const endpoints = await this.db.getRepository(WebhookEndpoint).find({
      select: { id: true, name: true, enabled: true, consecutiveFailures: true },
    });
    const counts = await this.counts();
    return {
      worker: this.worker.state,
      active: endpoints.filter((e) => stateOf(e) === 'active').length,
      failing: endpoints.filter((e) => stateOf(e) === 'failing').map((e) => e.name),
      disabled: endpoints.filter((e) => stateOf(e) === 'disabled').map((e) => e.name),
      pending: [...counts.values()].reduce((sum, c) => sum + c.pending, 0),
    };
  }

  private async find(id: string, manager: EntityManager = this.db.manager) {
    const endpoint = await manager.getRepository(WebhookEndpoint).findOneBy({ id });
    if (!endpoint) throw notFound();
    return endpoint;
  }

  private async counts(id?: string): Promise<Map<string, Counts>> {
    const rows: ({ endpoint_id: string } & Counts)[] = await this.db.query(
      `SELECT endpoint_id,
              count(*) FILTER (WHERE status = 'pending')::int AS pending,
              coalesce(extract(epoch FROM now() - min(queued_at) FILTER (WHERE status = 'pending')), 0)::float8
                AS "oldestPendingSeconds",
              count(*) FILTER (WHERE status = 'failed')::int AS failed
       FROM webhook_deliveries
       WHERE status <> 'delivered' ${id ? 'AND endpoint_id = $1' : ''}
       GROUP BY endpoint_id`,
      id ? [id] : [],
    );
    return new Map(rows.map(({ endpoint_id, ...counts }) => [endpoint_id, counts]));
  }

  private async changed(tx: EntityManager): Promise<void> {
    await tx.query(`SELECT pg_notify($1, '')`, [WEBHOOKS_CHANGED_CHANNEL]);
  }
}

function notFound() {
  return new NotFoundException({ code: 'webhook_not_found', message: 'no such webhook endpoint' });
}

function stateOf(e: Pick<WebhookEndpoint, 'enabled' | 'consecutiveFailures'>): WebhookState {
  if (!e.enabled) return 'disabled';
  return e.consecutiveFailures >= FAILING_AFTER_FAILURES ? 'failing' : 'active';
}

/** What the audit log keeps of an endpoint: never the secret. */
function publicFields(e: WebhookEndpoint) {
  return { name: e.name, url: e.url, kinds: e.kinds, decisions: e.decisions, enabled: e.enabled };
}

function toDto(e: WebhookEndpoint, counts: Counts | undefined): WebhookEndpointDto {
  return {
    id: e.id,
    name: e.name,
    url: e.url,
    kinds: e.kinds as WebhookKind[],
    decisions: e.decisions as WebhookDecision[],
    state: stateOf(e),
    enabled: e.enabled,
    disabledAt: e.disabledAt?.toISOString() ?? null,
    disabledReason: e.disabledReason,
    consecutiveFailures: e.consecutiveFailures,
    retryAt: stateOf(e) === 'failing' ? (e.retryAt?.toISOString() ?? null) : null,
    lastSuccessAt: e.lastSuccessAt?.toISOString() ?? null,
    lastFailureAt: e.lastFailureAt?.toISOString() ?? null,
    pending: counts?.pending ?? 0,
    oldestPendingSeconds: Math.round((counts?.oldestPendingSeconds ?? 0) * 10) / 10,
    failed: counts?.failed ?? 0,
    createdAt: e.createdAt.toISOString(),
  };
}

function toDeliveryDto(d: WebhookDelivery): WebhookDeliveryDto {
  return {
    id: d.id,
    messageId: d.messageId,
    kind: d.kind,
    status: d.status,
    attempts: d.attempts,
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    createdAt: d.createdAt.toISOString(),
    lastAttemptAt: d.lastAttemptAt?.toISOString() ?? null,
    nextAttemptAt: d.status === 'pending' ? (d.nextAttemptAt?.toISOString() ?? null) : null,
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
    body: d.body,
  };
}
