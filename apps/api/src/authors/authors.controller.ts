import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { IsString, Length } from 'class-validator';
import type { ErasureDto, ErasurePreviewDto } from '@sieve/contracts';
import type { AuthorStrikes } from '@sieve/moderation';
import { ClientIp, CurrentPrincipal, RequireRole } from '../auth/decorators';
import type { Principal } from '../auth/roles';
import { ErasureService } from './erasure.service';
import { StrikesService } from './strikes.service';
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

@Controller('authors')
export class AuthorsController {
  constructor(
    private readonly strikes: StrikesService,
    private readonly erasures: ErasureService,
  ) {}

  /** An author's strikes in the window, each with why it counts, and their level. */
  @Get('strikes')
  @RequireRole('viewer')
  get(@Query() query: AuthorQuery): Promise<AuthorStrikes> {
    return this.strikes.forAuthor(query);
  }

  /**
   * Erases the author's content from every stored event: the texts go, scores and decisions
   * stay, the platform gets an `erasure` message per event. An admin, or the platform with an
   * admin token.
   */
  @Post('erasures')
  @RequireRole('admin')
  erase(
    @Body() body: ErasureInput,
    @CurrentPrincipal() actor: Principal,
    @ClientIp() ip: string,
  ): Promise<ErasureDto> {
    return this.erasures.erase(body, actor, ip);
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
}
