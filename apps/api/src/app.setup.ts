import type { INestApplication } from '@nestjs/common';

/** HTTP settings shared by main.ts and the tests, so tests drive the app users get. */
export function configureApp(app: INestApplication): INestApplication {
  app.setGlobalPrefix('api');
  app.enableShutdownHooks();
  return app;
}
