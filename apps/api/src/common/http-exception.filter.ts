import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { Response } from 'express';
import { STATUS_CODES } from 'node:http';

/** The one error shape every endpoint returns. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  /** Where a client must tell refusals of one status apart, e.g. `already_appealed`. */
  code?: string;
  details?: unknown;
}

@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const requestId = http.getRequest<{ id?: unknown }>().id;
    response.status(this.statusOf(exception)).json(this.bodyOf(exception, requestId));
  }

  private statusOf(exception: unknown): number {
    if (exception instanceof HttpException) return exception.getStatus();
    return clientErrorStatus(exception) ?? HttpStatus.INTERNAL_SERVER_ERROR;
  }

  private bodyOf(exception: unknown, reqId: unknown): ErrorBody {
    const clientStatus = clientErrorStatus(exception);
    if (clientStatus) {
      // Raised by Express's body parser: bad JSON (400), too large (413), wrong charset (415).
      return {
        statusCode: clientStatus,
        error: STATUS_CODES[clientStatus] ?? 'Error',
        message: (exception as Error).message,
      };
    }
    if (!(exception instanceof HttpException)) {
      // Unexpected: log the stack, tell the client nothing internal.
      this.logger.error(
        { reqId },
        exception instanceof Error ? exception.stack : String(exception),
      );
      return { statusCode: 500, error: 'Internal Server Error', message: 'Internal server error' };
    }
    const status = exception.getStatus();
    const raw = exception.getResponse();
    const r = (typeof raw === 'string' ? { message: raw } : raw) as Record<string, unknown>;
    const body: ErrorBody = {
      statusCode: status,
      error: STATUS_CODES[status] ?? 'Error',
      message: Array.isArray(r['message'])
        ? r['message'].join('; ')
        : String(r['message'] ?? exception.message),
    };
    if (typeof r['code'] === 'string') body.code = r['code'];
    if (r['details'] !== undefined) body.details = r['details'];
    return body;
  }
}

/** The status of an http-errors error meant for the client (`expose`), such as body-parser's. */
function clientErrorStatus(exception: unknown): number | null {
  const e = exception as { status?: unknown; expose?: unknown } | null;
  return e && typeof e.status === 'number' && e.status >= 400 && e.status < 500 && e.expose === true
    ? e.status
    : null;
}
