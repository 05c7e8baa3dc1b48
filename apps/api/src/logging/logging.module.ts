import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { pinoHttp } from 'pino-http';
import { APP_CONFIG, type AppConfig } from '../config/app-config';

/** Where log lines go: stdout, or a stream a spec reads. */
export const LOG_DESTINATION = Symbol('LOG_DESTINATION');

/** The request-logging middleware (pino-http); its logger is the one the whole api logs through. */
export const HTTP_LOGGER = Symbol('HTTP_LOGGER');

const SAFE_REQUEST_ID = /^[\w.:-]{1,128}$/;
/** Probes and scrapes every few seconds would drown the log. */
const QUIET_PATHS = /^\/(api\/health(\/|$)|metrics$)/;

/**
 * JSON lines (pino). A request's line carries its id, which is also the response's
 * `X-Request-Id` (a caller's own id is kept when it is a plain token). Requests are logged as
 * method, path and status only: no query strings (search terms), headers (cookies, tokens) or
 * bodies (passwords, user content).
 */
export function httpLogger(config: Pick<AppConfig, 'LOG_LEVEL'>, destination: DestinationStream) {
  return pinoHttp(
    {
      level: config.LOG_LEVEL,
      base: { service: 'sieve-api' },
      timestamp: () => `,"time":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
      quietReqLogger: true,
      genReqId: (req: IncomingMessage, res: ServerResponse) => {
        const incoming = req.headers['x-request-id'];
        const id =
          typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      autoLogging: { ignore: (req) => QUIET_PATHS.test(pathOf(req.url)) },
      customLogLevel: (_req, res, error) =>
        error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          path: pathOf(req.url),
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    },
    destination,
  );
}

function pathOf(url: string | undefined): string {
  return (url ?? '').split('?')[0] ?? '';
}

/**
 * Application logs go through nestjs-pino's Logger (Nest's log calls as pino lines with their
 * context), on the same pino instance as the request log. Its request middleware is left out:
 * it binds each request's logger with AsyncLocalStorage, and on Node 20 that turns on promise
 * hooks for every promise in the process from the first request on: ~7% of the ingest path's
 * CPU, measured side by side (docs/benchmarks.md). Lines about a request that need its id carry
 * it themselves (HttpExceptionFilter).
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      providers: [
        { provide: LOG_DESTINATION, useValue: process.stdout },
        { provide: HTTP_LOGGER, inject: [APP_CONFIG, LOG_DESTINATION], useFactory: httpLogger },
      ],
      inject: [HTTP_LOGGER],
      useFactory: (http: ReturnType<typeof httpLogger>) => ({
        pinoHttp: { logger: http.logger },
        forRoutes: [],
      }),
    }),
  ],
})
export class LoggingModule {}
