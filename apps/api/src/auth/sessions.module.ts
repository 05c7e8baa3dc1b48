import { Module } from '@nestjs/common';
import { LiveStreamsService } from './live-streams.service';
import { SessionsService } from './sessions.service';

@Module({
  providers: [SessionsService, LiveStreamsService],
  exports: [SessionsService, LiveStreamsService],
})
export class SessionsModule {}
