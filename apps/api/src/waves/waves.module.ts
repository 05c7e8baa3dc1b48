import { Module } from '@nestjs/common';
import { FlagsModule } from '../flags/flags.module';
import { IngestModule } from '../ingest/ingest.module';
import { WaveGrouper } from './wave-grouper';
import { WaveStore } from './wave.store';
import { WavesController } from './waves.controller';
import { WavesService } from './waves.service';

/** Near-duplicate flags grouped into waves as they arrive, and decided as one. */
@Module({
  imports: [FlagsModule, IngestModule],
  controllers: [WavesController],
  providers: [WaveStore, WaveGrouper, WavesService],
  exports: [WaveGrouper],
})
export class WavesModule {}
