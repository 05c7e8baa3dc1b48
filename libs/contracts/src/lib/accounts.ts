import type { ContentFilter } from '@sieve/moderation';
import type { Role } from './roles';

export interface UserDto {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  disabled: boolean;
  /**
   * An admin set this user's password (a new account or a reset): until they choose their own,
   * their session can only do that, read `GET /auth/me` and sign out (403 `password_change_required`).
   */
  mustChangePassword: boolean;
  /** Signing in takes a code from an authenticator app (or a recovery code) as well. */
  secondFactorEnabled: boolean;
  preferences: UserPreferencesDto;
  createdAt: string;
  /** In `GET /users` only: the last successful sign-in (from the audit log); null if never. */
  lastSignInAt?: string | null;
  /** In `GET /users` only: how many security keys and passkeys sign them in. */
  securityKeys?: number;
}

export interface UserPreferencesDto {
  /** Blur posts in sensitive categories until revealed (reviewer wellbeing). */
  blurSensitive: boolean;
  /** Named queue filters, in the reviewer's order. */
  savedViews: SavedViewDto[];
  /** Per category: show, greyscale, blur, or a warning screen before the text (wellbeing). */
  contentFilters: Record<string, ContentFilter>;
}

export interface SavedViewDto {
  name: string;
  /** The queue's query string without `?`, e.g. `status=open&category=pii&sort=severity`. */
  query: string;
}

export interface SessionDto {
  user: UserDto;
  /** Send it back in the X-CSRF-Token header on every write. */
  csrfToken: string;
  expiresAt?: string;
  /**
   * The user's role requires a second factor (`SECOND_FACTOR_REQUIRED_ROLES`) and they have none
   * yet: until they set one up, their session can only do that (403 `second_factor_setup_required`).
   */
  mustSetUpSecondFactor: boolean;
  /**
   * The user's role signs in with a security key (`SECURITY_KEY_REQUIRED_ROLES`), they have set
   * up the app and have no key yet: until they add one, their session can only do that (403
   * `security_key_setup_required`).
   */
  mustAddSecurityKey: boolean;
  /** With a second factor: how many unused recovery codes are left. */
  recoveryCodesLeft?: number;
}

/** One place where the user is signed in (`GET /auth/sessions`). */
export interface SignedInSessionDto {
  id: string;
  /** The client address at sign-in, as the api saw it (behind TRUST_PROXY, the forwarded one). */
  ip: string | null;
  userAgent: string | null;
  createdAt: string;
  /** Updated at most once a minute. */
  lastSeenAt: string;
  expiresAt: string;
  /** The session making this request. */
  current: boolean;
}

/** A second factor being set up: scan the QR code (or type the secret), then send a first code. */
export interface SecondFactorSetupDto {
  secret: string;
  otpauthUrl: string;
  /** The QR code of `otpauthUrl`, an SVG document (show it as an image). */
  qrCodeSvg: string;
}

/**
 * A security key or passkey (WebAuthn) its owner signs in with, beside the authenticator app
 * (`GET /auth/second-factor/security-keys`).
 */
export interface SecurityKeyDto {
  id: string;
  /** What its owner called it when adding it. */
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

/** The account page's list, and whether this server can take keys at all. */
export interface SecurityKeysDto {
  /**
   * False where the operator has not said where the dashboard is served (`WEBAUTHN_ORIGINS`):
   * keys are bound to that address, so none can be added.
   */
  available: boolean;
  keys: SecurityKeyDto[];
}

/** How one may sign in (`GET /auth/sign-in-methods`, public): the sign-in page offers these. */
export interface SignInMethodsDto {
  password: true;
  /** A passkey alone: where the server takes security keys (`WEBAUTHN_ORIGINS`). */
  passkey: boolean;
}

export interface AuditEntryDto {
  id: string;
  at: string;
  actorId: string | null;
  actorLabel: string;
  action: string;
  objectType: string | null;
  objectId: string | null;
  ip: string | null;
  before: unknown;
  after: unknown;
  details: unknown;
}

export interface AuditPageDto {
  items: AuditEntryDto[];
  nextCursor: string | null;
}

export interface ApiTokenDto {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  /** Not revoked but refused: the admin who created it is disabled (it works again if re-enabled). */
  suspended: 'creator_disabled' | null;
}
