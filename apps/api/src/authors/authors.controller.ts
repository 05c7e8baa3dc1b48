import {
  Body,
  Controller,
  Get,
  HttpStatus,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { IsIn, IsString, Length } from 'class-validator';
import type { Response } from 'express';
import type { ErasureDto, ErasurePreviewDto, RepeatOffendersDto } from '@sieve/contracts';
import type { AuthorStrikes } from '@sieve/moderation';
import { ClientIp, CurrentPrincipal, RequireRole } from '../auth/decorators';
import type { Principal } from '../auth/roles';
import { ErasureService } from './erasure.service';
import { StrikesService } from './strikes.service';
import { PageCursor, PageLimit } from '../common/pagination';
import { Omittable } from '../common/validation';

export class AuthorQuery {
  @IsString()
  @Length(1, 128)
  source!: string;

  @IsString()
  @Length(1, 256)
  authorId!: string;
}

export class ErasureInput extends AuthorQuery {
  /** Why: the request's reference, e.g. "GDPR art. 17 request #4411". Kept and audited. */
  @IsString()
  @Length(3, 500)
  reason!: string;
}

export class ErasureFilter {
  @Omittable()
  @IsString()
  @Length(1, 128)
  source?: string;

  @Omittable()
  @IsString()
  @Length(1, 256)
  authorId?: string;
}

export class RepeatOffendersQuery {
  /** The lowest level listed (default `raise`: every author the queue marks). */
  @Omittable()
  @IsIn(['raise', 'restrict', 'suspend'])
  level?: 'raise' | 'restrict' | 'suspend';

  @Omittable()
  @IsString()
  @Length(1, 128)
  source?: string;

  /** Default 100. */
  @PageLimit()
  limit?: number;

  /** The previous page's `nextCursor` (the sort key holds an author id: up to 3,200 characters). */
  @PageCursor({ maxLength: 3200 })
  cursor?: string;
}

@Controller('authors')
export class AuthorsController {
  constructor(
    private readonly strikes: StrikesService,
    private readonly erasures: ErasureService,
  ) {}

  /**
   * Repeat offenders: the authors at `level` or above as last counted (within a minute of any
   * change), most struck first, with what Sieve recommends for each account, a page at a time;
   * and how many authors are at each level.
   */
  @Get('repeat-offenders')
  @RequireRole('viewer')
  repeatOffenders(@Query() query: RepeatOffendersQuery): Promise<RepeatOffendersDto> {
    return this.strikes.repeatOffenders({
      minLevel: query.level ?? 'raise',
      source: query.source,
      limit: query.limit ?? 100,
      cursor: query.cursor,
    });
  }

  /** An author's strikes in the window, each with why it counts, and their level. */
  @Get('strikes')
  @RequireRole('viewer')
  get(@Query() query: AuthorQuery): Promise<AuthorStrikes> {
    return this.strikes.forAuthor(query);
  }

  /**
   * Erases the author's content from every stored event: the texts go, scores and decisions
   * stay, the platform gets an `erasure` message per event. An admin, or the platform with an
   * admin token. 201 when done; 202 (`completedAt` null) when it goes on in the background for
   * a prolific author: an `erasure_completed` message, and `GET /api/authors/erasures/{id}`,
   * say when it is done.
   */
  @Post('erasures')
  @RequireRole('admin')
  async erase(
    @Body() body: ErasureInput,
    @CurrentPrincipal() actor: Principal,
    @ClientIp() ip: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ErasureDto> {
    const erasure = await this.erasures.erase(body, actor, ip);
    if (!erasure.completedAt) response.status(HttpStatus.ACCEPTED);
    return erasure;
  }

  /** What erasing this author would touch: their stored, not yet erased posts. */
  @Get('erasures/preview')
  @RequireRole('admin')
  previewErasure(@Query() query: AuthorQuery): Promise<ErasurePreviewDto> {
    return this.erasures.preview(query);
  }

  @Get('erasures')
  @RequireRole('admin')
  listErasures(@Query() query: ErasureFilter): Promise<ErasureDto[]> {
    return this.erasures.list(query);
  }

  /** One erasure request, with how many posts it has erased so far and when it completed. */
  @Get('erasures/:id')
  @RequireRole('admin')
  getErasure(@Param('id', new ParseUUIDPipe()) id: string): Promise<ErasureDto> {
    return this.erasures.get(id);
  }
}
