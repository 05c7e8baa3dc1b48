import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { assertStrongPassword } from '../auth/passwords';
import { ClientIp, CurrentPrincipal, PeopleOnly, RequireRole } from '../auth/decorators';
import type { Principal } from '../auth/roles';
import { CreateUserDto, UpdateUserDto, type UserDto } from './dto/user.dto';
import { UsersService } from './users.service';

@Controller('users')
@RequireRole('admin')
@PeopleOnly()
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  list(): Promise<UserDto[]> {
    return this.users.list();
  }

  @Post()
  async create(
    @Body() body: CreateUserDto,
    @CurrentPrincipal() actor: Principal,
    @ClientIp() ip: string,
  ): Promise<UserDto> {
    await assertStrongPassword(body.password, [body.email, body.displayName]);
    return this.users.create(body, actor, ip);
  }

  @Patch(':id')
  update(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdateUserDto,
    @CurrentPrincipal() actor: Principal,
    @ClientIp() ip: string,
  ): Promise<UserDto> {
    return this.users.update(id, body, actor, ip);
  }
}
