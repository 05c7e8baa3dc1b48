import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { CSRF_HEADER } from './auth/auth.guard';
import { SESSION_COOKIE } from './auth/session-cookie';

/** Checked in at docs/openapi.json (regenerate: `npm run openapi`); served at /api/docs. */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Sieve API')
    .setDescription(
      'Moderation queue, reviews, explanations, policies and administration. Every route names ' +
        `the least role it needs (\`x-sieve-min-role\`). Browsers sign in with a session cookie and ` +
        `send \`${CSRF_HEADER}\` on writes; scripts use an API token as a bearer token. Errors are ` +
        '`{ statusCode, error, message, details? }`. See docs/api.md.',
    )
    .setVersion('0.1.0')
    .addCookieAuth(
      SESSION_COOKIE,
      { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
      'session',
    )
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'sieve_…',
        description: 'An API token, created by an admin under /api/tokens',
      },
      'token',
    )
    .build();
  return SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controller, method) =>
      `${controller.replace(/Controller$/, '')}_${method}`,
  });
}
