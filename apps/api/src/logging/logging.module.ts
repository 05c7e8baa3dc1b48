import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Module } from '@nestjs/common';
import { LoggerModule, type Params } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { APP_CONFIG, type AppConfig } from '../config/app-config';

/** Where log lines go: stdout, or a stream a spec reads. */
export const LOG_DESTINATION = Symbol('LOG_DESTINATION');

const SAFE_REQUEST_ID = /^[\w.:-]{1,128}$/;
/** Probes and scrapes every few seconds would drown the log. */
const QUIET_PATHS = /^\/(api\/health(\/|$)|metrics$)/;

/**
 * JSON lines (pino). Every line logged while serving a request carries its `reqId`, which is
 * also the response's `X-Request-Id` (a caller's own id is kept when it is a plain token).
 * Requests are logged as method, path and status only: no query strings (search terms), headers
 * (cookies, tokens) or bodies (passwords, user content).
 */
export function loggerParams(
  config: Pick<AppConfig, 'LOG_LEVEL'>,
  destination: DestinationStream,
): Params {
  return {
    pinoHttp: [
      {
        level: config.LOG_LEVEL,
        base: { service: 'sieve-api' },
        timestamp: () => `,"time":"${new Date().toISOString()}"`,
        formatters: { level: (label) => ({ level: label }) },
        quietReqLogger: true,
        genReqId: (req: IncomingMessage, res: ServerResponse) => {
          const incoming = req.headers['x-request-id'];
          const id =
            typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming)
              ? incoming
              : randomUUID();
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
    ],
  };
}

function pathOf(url: string | undefined): string {
  return (url ?? '').split('?')[0] ?? '';
}

@Module({
  imports: [
    LoggerModule.forRootAsync({
      providers: [{ provide: LOG_DESTINATION, useValue: process.stdout }],
      inject: [APP_CONFIG, LOG_DESTINATION],
      useFactory: loggerParams,
    }),
  ],
})
export class LoggingModule {}
