import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
} from '@nestjs/common';
import { assertStrongPassword } from '../auth/passwords';
import { ClientIp, CurrentPrincipal, PeopleOnly, RequireRole } from '../auth/decorators';
import type { Principal } from '../auth/roles';
import { CreateUserDto, ResetPasswordDto, UpdateUserDto, type UserDto } from './dto/user.dto';
import { SecondFactorService } from '../auth/second-factor.service';
import { UsersService } from './users.service';

@Controller('users')
@RequireRole('admin')
@PeopleOnly()
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly secondFactor: SecondFactorService,
  ) {}

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
    return this.users.create(
      { ...body, mustChangePassword: body.mustChangePassword ?? true },
      actor,
      ip,
    );
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

  /**
   * Sets a new password for a user who lost theirs and signs them out everywhere; unless the
   * body says otherwise, they must choose their own when they sign in with it. An admin's own
   * password is changed on the account page, which asks for the current one.
   */
  @Post(':id/password')
  @HttpCode(HttpStatus.NO_CONTENT)
  async resetPassword(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: ResetPasswordDto,
    @CurrentPrincipal() actor: Principal,
    @ClientIp() ip: string,
  ): Promise<void> {
    const user = await this.users.findById(id);
    await assertStrongPassword(body.password, [user.email, user.displayName], 'password');
    await this.users.resetPassword(user, body.password, body.mustChangePassword ?? true, actor, ip);
  }

  /**
   * Removes someone's second factor (a lost phone and no recovery codes) and signs them out
   * everywhere; they sign in with their password and set up a new one (if their role requires
   * one, before anything else). Audited as `user.second_factor_reset`.
   */
  @Delete(':id/second-factor')
  @HttpCode(HttpStatus.NO_CONTENT)
  async resetSecondFactor(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentPrincipal() actor: Principal,
    @ClientIp() ip: string,
  ): Promise<void> {
    await this.users.findById(id);
    await this.secondFactor.reset(id, actor, ip);
  }
}
