import { SkipThrottle } from '@nestjs/throttler';
import {
  Controller,
  ForbiddenException,
  Get,
  Header,
  Inject,
  Req,
  UnauthorizedException,
} from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { Public } from '../auth/decorators';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MetricsService } from './metrics.service';

/**
 * Prometheus scrape endpoint, outside the /api prefix. Behind METRICS_TOKEN when it is set; in
 * production, closed without it unless METRICS_PUBLIC=true says only the scraper can reach it.
 */
// Probes and scrapers poll; they are not clients to slow down.
@SkipThrottle()
@Controller('metrics')
@Public()
export class MetricsController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  async scrape(@Req() req: Request): Promise<string> {
    const token = this.config.METRICS_TOKEN;
    if (!token && !(this.config.METRICS_PUBLIC ?? this.config.NODE_ENV !== 'production'))
      throw new ForbiddenException(
        'GET /metrics is closed in production: set METRICS_TOKEN, or METRICS_PUBLIC=true where only your scraper reaches the api',
      );
    if (token) {
      const given = Buffer.from(req.headers.authorization ?? '');
      const expected = Buffer.from(`Bearer ${token}`);
      if (given.length !== expected.length || !timingSafeEqual(given, expected))
        throw new UnauthorizedException('GET /metrics needs the METRICS_TOKEN bearer token');
    }
    req.res?.type(this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }
}
