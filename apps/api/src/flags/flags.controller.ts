import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { RequireRole } from '../auth/decorators';
import type { FlagDetailDto, FlagPageDto } from './dto/flag.response';
import { ListFlagsQuery } from './dto/list-flags.query';
import { FlagsService } from './flags.service';

@Controller('flags')
@RequireRole('viewer')
export class FlagsController {
  constructor(private readonly flags: FlagsService) {}

  @Get()
  list(@Query() query: ListFlagsQuery): Promise<FlagPageDto> {
    return this.flags.list(query);
  }

  @Get(':id')
  get(@Param('id', new ParseUUIDPipe({ version: '4' })) id: string): Promise<FlagDetailDto> {
    return this.flags.get(id);
  }
}
