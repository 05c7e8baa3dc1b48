import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SecurityKey } from '../auth/entities/security-key.entity';
import { SecondFactorService } from '../auth/second-factor.service';
import { SecurityKeysService } from '../auth/security-keys.service';
import { SessionsModule } from '../auth/sessions.module';
import { User } from './entities/user.entity';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([User, SecurityKey]), SessionsModule],
  controllers: [UsersController],
  providers: [UsersService, SecondFactorService, SecurityKeysService],
  exports: [UsersService, SecondFactorService, SecurityKeysService],
})
export class UsersModule {}
