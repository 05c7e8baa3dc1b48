import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { QualityController } from './quality.controller';
import { QualityService } from './quality.service';

/** Reviewer quality: golden items and the figures of the quality checks (copies: flags module). */
@Module({
  imports: [AuthModule],
  controllers: [QualityController],
  providers: [QualityService],
  exports: [QualityService],
})
export class QualityModule {}
