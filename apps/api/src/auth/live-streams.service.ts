import {
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  type OnModuleDestroy,
} from '@nestjs/common';
import {
  defer,
  EMPTY,
  filter,
  finalize,
  from,
  interval,
  merge,
  type Observable,
  Subject,
  switchMap,
  takeUntil,
} from 'rxjs';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { ApiTokensService } from '../tokens/api-tokens.service';
import type { Principal } from './roles';
import { SessionsService } from './sessions.service';

/**
 * Long-lived responses (server-sent events) are authorised once, when they open. This keeps them
 * honest afterwards: each person has at most LIVE_STREAMS_PER_USER open per process, and a stream
 * ends at once when its session is signed out or revoked here, and within
 * LIVE_STREAM_RECHECK_SECONDS when it ended any other way (another replica, expiry, a disabled
 * user, a revoked token).
 *
 * They also end when the process starts to stop: an open stream would hold the HTTP server's
 * close for ever. The browser's EventSource reconnects, to another replica once this one has
 * left the load balancer; a stream opened meanwhile ends at once.
 */
@Injectable()
export class LiveStreamsService implements OnModuleDestroy {
  private readonly open = new Map<string, number>();
  private readonly stopping = new Subject<void>();
  private stopped = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sessions: SessionsService,
    private readonly tokens: ApiTokensService,
  ) {}

  /** `source` for as long as `who` may see it; throws 429 over the per-person cap. */
  guard<T>(who: Principal, source: Observable<T>): Observable<T> {
    if (this.stopped) return EMPTY;
    const count = this.open.get(who.id) ?? 0;
    if (count >= this.config.LIVE_STREAMS_PER_USER)
      throw new HttpException(
        {
          message: `At most ${this.config.LIVE_STREAMS_PER_USER} live streams per person: close another tab or window first`,
        },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    this.open.set(who.id, count + 1);
    const revokedHere = this.sessions.revocations.pipe(
      filter((r) => ('sessionId' in r ? r.sessionId === who.sessionId : r.userId === who.id)),
    );
    const endedElsewhere = interval(this.config.LIVE_STREAM_RECHECK_SECONDS * 1000).pipe(
      switchMap(() => from(this.stillValid(who))),
      filter((valid) => !valid),
    );
    return defer(() => source).pipe(
      takeUntil(merge(revokedHere, endedElsewhere, this.stopping)),
      finalize(() => {
        const left = (this.open.get(who.id) ?? 1) - 1;
        if (left > 0) this.open.set(who.id, left);
        else this.open.delete(who.id);
      }),
    );
  }

  onModuleDestroy(): void {
    this.stopped = true;
    this.stopping.next();
    this.stopping.complete();
  }

  private async stillValid(who: Principal): Promise<boolean> {
    if (who.kind === 'user') return this.sessions.isActive(who.sessionId ?? '');
    // A token's principal id is its service account (tokens/api-tokens.service.ts).
    return this.tokens.isActive(who.id);
  }
}
