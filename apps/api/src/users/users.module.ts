import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SecondFactorService } from '../auth/second-factor.service';
import { SessionsModule } from '../auth/sessions.module';
import { User } from './entities/user.entity';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([User]), SessionsModule],
  controllers: [UsersController],
  providers: [UsersService, SecondFactorService],
  exports: [UsersService, SecondFactorService],
})
export class UsersModule {}
