import { Module } from '@nestjs/common';
import { TransparencyController } from './transparency.controller';
import { TransparencyService } from './transparency.service';

/** The transparency report: decisions and appeals by period, as a page, CSV and JSON. */
@Module({ controllers: [TransparencyController], providers: [TransparencyService] })
export class TransparencyModule {}
