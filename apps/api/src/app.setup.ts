import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import { NestFactory } from '@nestjs/core';
import { type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { AppModule } from './app.module';
import { Logger as PinoLogger } from 'nestjs-pino';
import type { AppConfig } from './config/app-config';
import { HTTP_LOGGER } from './logging/logging.module';
import { createOpenApiDocument } from './openapi';

/** Served at the root rather than under /api: Prometheus scrapes `/metrics` by convention. */
export const UNPREFIXED_ROUTES = ['metrics'];

/** The OpenAPI viewer; the document itself is at /api/docs/openapi.json. */
export const DOCS_PATH = 'api/docs';

/** HTTP settings shared by main.ts and the tests, so tests drive the app users get. */
export function configureApp(
  app: INestApplication,
  config: Pick<
    AppConfig,
    | 'TRUST_PROXY'
    | 'REQUEST_BODY_LIMIT'
    | 'API_DOCS_ENABLED'
    | 'NODE_ENV'
    | 'HTTP_KEEP_ALIVE_TIMEOUT_MS'
  >,
): INestApplication {
  const express = app as NestExpressApplication;
  const server = app.getHttpServer() as Server;
  server.keepAliveTimeout = config.HTTP_KEEP_ALIVE_TIMEOUT_MS;
  // Node's advice: longer than the keep-alive, or a request on a reused connection can be cut.
  server.headersTimeout = Math.max(server.headersTimeout, config.HTTP_KEEP_ALIVE_TIMEOUT_MS + 1000);
  // 0 turns the request timeout off; only a set one has to stay above the headers timeout.
  if (server.requestTimeout > 0)
    server.requestTimeout = Math.max(server.requestTimeout, server.headersTimeout);
  app.useLogger(app.get(PinoLogger));
  // First, so every request gets its id and its line, even one a body parser refuses.
  app.use(app.get(HTTP_LOGGER));
  prefixRoutes(app);
  // On SIGTERM or SIGINT, in this order: `onModuleDestroy` stops taking work (the Kafka
  // consumers drain, live streams end, background workers stop); `beforeApplicationShutdown`
  // sends what was finished (the decision outbox, Mistral usage); the HTTP server closes; and
  // `onApplicationShutdown` closes connections. A step that needs a peer which may be gone is
  // bounded (settleWithin), so a replica stops even when the broker or database stopped first.
  app.enableShutdownHooks();
  if (config.TRUST_PROXY) express.set('trust proxy', 1);
  express.useBodyParser('json', { limit: config.REQUEST_BODY_LIMIT });
  app.use(jsonOnly);
  // The api serves JSON only: nothing in a response may run, be framed or be sniffed as HTML.
  // The one page it serves, the OpenAPI viewer, may load its own scripts and styles.
  const apiHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    },
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
  const docsHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
  app.use((req: Request, res: Response, next: NextFunction) =>
    (req.path.startsWith(`/${DOCS_PATH}/`) || req.path === `/${DOCS_PATH}`
      ? docsHeaders
      : apiHeaders)(req, res, next),
  );
  if (config.API_DOCS_ENABLED ?? config.NODE_ENV !== 'production')
    SwaggerModule.setup(DOCS_PATH, app, () => createOpenApiDocument(app), {
      jsonDocumentUrl: `${DOCS_PATH}/openapi.json`,
      yamlDocumentUrl: `${DOCS_PATH}/openapi.yaml`,
      customSiteTitle: 'Sieve API',
    });
  app.use(cookieParser());
  return app;
}

/**
 * The api takes JSON bodies only. A cross-site HTML form can post urlencoded, multipart or plain
 * text without a preflight — a login CSRF, say — so a body of any other type is refused (415).
 * And no API answer is for a cache: they carry sessions' data.
 */
function jsonOnly(req: Request, res: Response, next: NextFunction): void {
  if (!req.path.startsWith(`/${DOCS_PATH}`)) res.setHeader('Cache-Control', 'no-store');
  const hasBody =
    Number(req.headers['content-length'] ?? 0) > 0 || 'transfer-encoding' in req.headers;
  if (hasBody && !req.is('application/json')) {
    res.status(415).json({
      statusCode: 415,
      error: 'Unsupported Media Type',
      message: 'Send JSON bodies (Content-Type: application/json)',
    });
    return;
  }
  next();
}

function prefixRoutes(app: INestApplication): void {
  app.setGlobalPrefix('api', { exclude: UNPREFIXED_ROUTES });
}

/** The OpenAPI document without starting anything: no database, broker or config needed. */
export async function generateOpenApiDocument(): Promise<OpenAPIObject> {
  const app = await NestFactory.create(AppModule, { preview: true, logger: false });
  prefixRoutes(app);
  try {
    return createOpenApiDocument(app);
  } finally {
    await app.close();
  }
}
