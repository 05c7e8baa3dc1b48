import { Controller, Get, Query } from '@nestjs/common';
import { IsString, Length } from 'class-validator';
import type { AuthorStrikes } from '@sieve/moderation';
import { RequireRole } from '../auth/decorators';
import { StrikesService } from './strikes.service';

export class AuthorQuery {
  @IsString()
  @Length(1, 128)
  source!: string;

  @IsString()
  @Length(1, 256)
  authorId!: string;
}

@Controller('authors')
export class AuthorsController {
  constructor(private readonly strikes: StrikesService) {}

  /** An author's strikes in the window, each with why it counts, and their level. */
  @Get('strikes')
  @RequireRole('viewer')
  get(@Query() query: AuthorQuery): Promise<AuthorStrikes> {
    return this.strikes.forAuthor(query);
  }
}
