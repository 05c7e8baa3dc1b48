import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { MetricsService } from './metrics.service';
import { RequestActivity } from './request-activity';

/**
 * Counts and times every API response by route template (`/api/flags/:id`, never the concrete
 * path: ids would make unbounded label sets). Requests no route matched count as `unmatched`.
 * Also tells RequestActivity that someone is using the api.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(
    private readonly metrics: MetricsService,
    private readonly activity: RequestActivity,
  ) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const started = process.hrtime.bigint();
    this.activity.seen(req.originalUrl.split('?', 1)[0]);
    res.once('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      const labels = { method: req.method, route };
      this.metrics.httpRequests.inc({ ...labels, status: String(res.statusCode) });
      if (res.getHeader('content-type')?.toString().startsWith('text/event-stream')) return;
      this.metrics.httpRequestSeconds.observe(
        labels,
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    });
    next();
  }
}
