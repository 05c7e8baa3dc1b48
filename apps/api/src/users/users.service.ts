import type { ContentFilter } from '@sieve/moderation';
import {
  ConflictException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  type OnApplicationBootstrap,
  UnprocessableEntityException,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { hashPassword, verifyPassword } from '../auth/passwords';
import type { Principal, Role } from '../auth/roles';
import { SessionsService } from '../auth/sessions.service';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import demoUsers from './demo-users.json';
import type { SavedViewDto } from '@sieve/contracts';
import type { CreateUserDto, UpdateUserDto, UserDto } from './dto/user.dto';
import { User } from './entities/user.entity';

/** Published in the README and printed by `npm start` (which reads the same file); refused in production. */
export const DEMO_USERS = demoUsers as {
  email: string;
  displayName: string;
  role: Role;
  password: string;
}[];

const SYSTEM = { label: 'system' };

@Injectable()
export class UsersService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Users');

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.SIEVE_ADMIN_EMAIL && this.config.SIEVE_ADMIN_PASSWORD) {
      const admins = await this.users.count({ where: { role: 'admin', kind: 'person' } });
      if (admins === 0) {
        await this.create(
          {
            email: this.config.SIEVE_ADMIN_EMAIL,
            displayName: 'Administrator',
            role: 'admin',
            password: this.config.SIEVE_ADMIN_PASSWORD,
          },
          SYSTEM,
        );
        this.logger.log(`Created the first admin, ${this.config.SIEVE_ADMIN_EMAIL}`);
      }
    }
    if (this.config.SIEVE_DEMO_USERS) {
      for (const demo of DEMO_USERS) {
        if (!(await this.findByEmail(demo.email))) await this.create(demo, SYSTEM);
      }
    }
    if (this.config.NODE_ENV === 'production') await this.disablePublishedDemoAccounts();
  }

  /**
   * A database that once ran with SIEVE_DEMO_USERS keeps its demo accounts, whose passwords are
   * in the README. In production each one that still has its published password is disabled and
   * signed out (an account someone gave a password of their own is left alone).
   */
  private async disablePublishedDemoAccounts(): Promise<void> {
    for (const demo of DEMO_USERS) {
      const user = await this.findByEmail(demo.email);
      if (!user || user.disabled || !(await verifyPassword(user.passwordHash, demo.password)))
        continue;
      await this.users.manager.transaction(async (tx) => {
        await tx.update(User, { id: user.id }, { disabled: true });
        await this.audit.record(
          {
            actor: SYSTEM,
            action: 'user.disabled',
            objectType: 'user',
            objectId: user.id,
            before: { disabled: false },
            after: { disabled: true },
            details: { reason: 'demo account with its published password, in production' },
          },
          tx,
        );
      });
      await this.sessions.revokeAllForUser(user.id);
      this.logger.warn(
        `Disabled the demo account ${demo.email}: its password is published and NODE_ENV=production`,
      );
    }
  }

  findByEmail(email: string): Promise<(User & { passwordHash: string }) | null> {
    return this.users
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('lower(u.email) = lower(:email)', { email })
      .getOne() as Promise<(User & { passwordHash: string }) | null>;
  }

  /** People only: an API token's service account is governed through the token. */
  async findById(id: string): Promise<User> {
    const user = await this.users.findOne({ where: { id, kind: 'person' } });
    if (!user) throw new NotFoundException(`User ${id} does not exist`);
    return user;
  }

  /** Every person's account, oldest first, with when each last signed in. */
  async list(): Promise<UserDto[]> {
    const users = await this.users.find({ where: { kind: 'person' }, order: { createdAt: 'ASC' } });
    // Per user, their newest entries first (idx_audit_log_actor) until the first sign-in.
    const rows: { id: string; at: Date | null; keys: number }[] = await this.users.query(
      `SELECT u.id, (SELECT a.at FROM audit_log a
                     WHERE a.actor_id = u.id AND a.action = 'auth.login'
                     ORDER BY a.at DESC LIMIT 1) AS at,
              (SELECT count(*)::int FROM security_keys k WHERE k.user_id = u.id) AS keys
       FROM unnest($1::uuid[]) AS u(id)`,
      [users.map((u) => u.id)],
    );
    const byUser = new Map(rows.map((r) => [r.id, r]));
    return users.map((u) => ({
      ...toDto(u),
      lastSignInAt: byUser.get(u.id)?.at?.toISOString() ?? null,
      securityKeys: byUser.get(u.id)?.keys ?? 0,
    }));
  }

  /**
   * The account an API token acts as in reviews (claims, decisions, notes reference users). It
   * has no usable password ('!' is no Argon2 hash) and sign-in refuses kind 'service' anyway.
   */
  async createServiceAccount(
    tx: EntityManager,
    token: { id: string; name: string; role: Role },
  ): Promise<string> {
    const saved = await tx.save(
      tx.create(User, {
        email: `${token.id}@tokens.sieve.invalid`,
        displayName: `API token: ${token.name}`,
        role: token.role,
        kind: 'service',
        passwordHash: '!',
      }),
    );
    return saved.id;
  }

  async create(
    input: CreateUserDto,
    actor: Principal | { label: string },
    ip?: string,
  ): Promise<UserDto> {
    if (await this.findByEmail(input.email))
      throw new ConflictException('A user with this e-mail already exists');
    const user = await this.users.manager.transaction(async (tx) => {
      const saved = await tx.save(
        tx.create(User, {
          email: input.email.trim(),
          displayName: input.displayName.trim(),
          role: input.role,
          passwordHash: await hashPassword(input.password),
          passwordChangedAt: new Date(),
          mustChangePassword: input.mustChangePassword ?? false,
        }),
      );
      await this.audit.record(
        {
          actor,
          action: 'user.created',
          objectType: 'user',
          objectId: saved.id,
          ip,
          after: auditView(saved),
        },
        tx,
      );
      return saved;
    });
    return toDto(user);
  }

  async update(id: string, changes: UpdateUserDto, actor: Principal, ip: string): Promise<UserDto> {
    const before = await this.findById(id);
    const losesAdmin =
      before.role === 'admin' &&
      !before.disabled &&
      (changes.disabled === true || (changes.role !== undefined && changes.role !== 'admin'));
    if (
      losesAdmin &&
      (await this.users.count({ where: { role: 'admin', disabled: false, kind: 'person' } })) <= 1
    ) {
      throw new ConflictException('This is the last active admin: make another admin first');
    }
    const after = await this.users.manager.transaction(async (tx) => {
      await tx.update(User, { id }, changes);
      const updated = await tx.findOneOrFail(User, { where: { id } });
      await this.audit.record(
        {
          actor,
          action: 'user.updated',
          objectType: 'user',
          objectId: id,
          ip,
          before: auditView(before),
          after: auditView(updated),
        },
        tx,
      );
      return updated;
    });
    // Losing access takes effect at once: a disabled user or a changed role signs in again.
    if (changes.disabled || (changes.role && changes.role !== before.role))
      await this.sessions.revokeAllForUser(id);
    return toDto(after);
  }

  /** Changes only what is given; saved views are replaced as a whole list. */
  async setPreferences(
    id: string,
    preferences: {
      blurSensitive?: boolean;
      savedViews?: SavedViewDto[];
      contentFilters?: Record<string, ContentFilter>;
    },
  ): Promise<UserDto> {
    const changes: Partial<Pick<User, 'blurSensitive' | 'savedViews' | 'contentFilters'>> = {};
    if (preferences.blurSensitive !== undefined) changes.blurSensitive = preferences.blurSensitive;
    if (preferences.contentFilters !== undefined)
      changes.contentFilters = preferences.contentFilters;
    if (preferences.savedViews !== undefined) {
      const names = preferences.savedViews.map((v) => v.name.trim().toLowerCase());
      if (new Set(names).size !== names.length)
        throw new UnprocessableEntityException({
          message: 'Saved view names must be unique',
          details: [{ field: 'savedViews', errors: ['two views have the same name'] }],
        });
      changes.savedViews = preferences.savedViews.map((v) => ({
        name: v.name.trim(),
        query: v.query,
      }));
    }
    if (Object.keys(changes).length > 0) await this.users.update({ id }, changes);
    return toDto(await this.findById(id));
  }

  async changePassword(
    id: string,
    newPassword: string,
    keepSessionId: string | null,
    ip: string,
    actor: Principal,
  ): Promise<void> {
    await this.users.manager.transaction(async (tx) => {
      await tx.update(
        User,
        { id },
        {
          passwordHash: await hashPassword(newPassword),
          passwordChangedAt: new Date(),
          mustChangePassword: false,
        },
      );
      await this.audit.record(
        { actor, action: 'user.password_changed', objectType: 'user', objectId: id, ip },
        tx,
      );
    });
    await this.sessions.revokeAllForUser(id, keepSessionId);
  }

  /**
   * An admin's new password for someone else: every session of theirs ends, and the audit log
   * says who set it (never the password) and whether they must choose their own at sign-in.
   */
  async resetPassword(
    user: User,
    newPassword: string,
    mustChangePassword: boolean,
    actor: Principal,
    ip: string,
  ): Promise<void> {
    if (user.id === actor.id)
      throw new ConflictException({
        message: 'Change your own password on your account page: it asks for the current one',
        code: 'own_password',
      });
    await this.users.manager.transaction(async (tx) => {
      await tx.update(
        User,
        { id: user.id },
        {
          passwordHash: await hashPassword(newPassword),
          passwordChangedAt: new Date(),
          mustChangePassword,
        },
      );
      await this.audit.record(
        {
          actor,
          action: 'user.password_reset',
          objectType: 'user',
          objectId: user.id,
          ip,
          details: { mustChangePassword },
        },
        tx,
      );
    });
    await this.sessions.revokeAllForUser(user.id);
  }
}

const auditView = (u: User) => ({
  email: u.email,
  displayName: u.displayName,
  role: u.role,
  disabled: u.disabled,
  mustChangePassword: u.mustChangePassword,
});

export function toDto(u: User): UserDto {
  return {
    id: u.id,
    email: u.email,
    displayName: u.displayName,
    role: u.role,
    disabled: u.disabled,
    mustChangePassword: u.mustChangePassword,
    secondFactorEnabled: u.totpEnabledAt !== null && u.totpEnabledAt !== undefined,
    preferences: {
      blurSensitive: u.blurSensitive,
      savedViews: u.savedViews ?? [],
      contentFilters: u.contentFilters ?? {},
    },
    createdAt: u.createdAt.toISOString(),
  };
}
