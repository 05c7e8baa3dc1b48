import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import type { AppConfig } from './config/app-config';

/** Served at the root rather than under /api: Prometheus scrapes `/metrics` by convention. */
export const UNPREFIXED_ROUTES = ['metrics'];

/** HTTP settings shared by main.ts and the tests, so tests drive the app users get. */
export function configureApp(
  app: INestApplication,
  config: Pick<AppConfig, 'TRUST_PROXY' | 'REQUEST_BODY_LIMIT'>,
): INestApplication {
  const express = app as NestExpressApplication;
  app.setGlobalPrefix('api', { exclude: UNPREFIXED_ROUTES });
  app.enableShutdownHooks();
  if (config.TRUST_PROXY) express.set('trust proxy', 1);
  express.useBodyParser('json', { limit: config.REQUEST_BODY_LIMIT });
  express.useBodyParser('urlencoded', { limit: config.REQUEST_BODY_LIMIT, extended: false });
  // The api serves JSON only: nothing in a response may run, be framed or be sniffed as HTML.
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
      },
      crossOriginResourcePolicy: { policy: 'same-origin' },
    }),
  );
  app.use(cookieParser());
  return app;
}
