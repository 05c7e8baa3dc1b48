import { Module } from '@nestjs/common';
import { FlagsModule } from '../flags/flags.module';
import { IngestModule } from '../ingest/ingest.module';
import { PoliciesModule } from '../policies/policies.module';
import { Precedents } from './precedents';
import { WaveGrouper } from './wave-grouper';
import { WaveStore } from './wave.store';
import { WavesController } from './waves.controller';
import { WavesService } from './waves.service';

/**
 * Near-duplicate flags grouped into waves as they arrive, and decided as one; new flags decided by
 * precedent when the live policy says so.
 */
@Module({
  imports: [FlagsModule, IngestModule, PoliciesModule],
  controllers: [WavesController],
  providers: [WaveStore, WaveGrouper, WavesService, Precedents],
  exports: [WaveGrouper],
})
export class WavesModule {}
