import { Body, Controller, Get, Logger, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import type { ExplanationDto, ExplanationStreamEvent } from '@sieve/contracts';
import {
  MistralOutputParseError,
  MistralRateLimitError,
  MistralStreamInterruptedError,
  MistralTimeoutError,
} from '@sieve/mistral';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { CurrentPrincipal, RequireRole } from '../auth/decorators';
import type { Principal } from '../auth/roles';
import { ExplainDto } from './explain.dto';
import { ExplanationsService } from './explanations.service';

type StreamError = Extract<ExplanationStreamEvent, { event: 'error' }>['data'];

@Controller('flags/:id/explanation')
export class ExplanationsController {
  private readonly logger = new Logger('Explanations');

  constructor(private readonly explanations: ExplanationsService) {}

  @Get()
  @RequireRole('viewer')
  latest(@Param('id', new ParseUUIDPipe()) id: string): Promise<ExplanationDto | null> {
    return this.explanations.latest(id);
  }

  /**
   * Streams server-sent events: `progress` while the model writes, then `done` with the checked
   * explanation, or `error`. Budget and follow-up limits (429/409) and an erased post (409,
   * `text_erased`) are answered before the stream opens.
   * The connection closing stops the model's stream too.
   */
  @Post()
  @RequireRole('reviewer')
  async explain(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: ExplainDto,
    @CurrentPrincipal() who: Principal,
    @Res() res: Response,
  ): Promise<void> {
    const plan = await this.explanations.start(id, who, body);
    const aborted = new AbortController();
    res.on('close', () => aborted.abort(new Error('client closed the stream')));
    res.status(200).set({
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    const send = (frame: ExplanationStreamEvent) =>
      res.write(`event: ${frame.event}\ndata: ${JSON.stringify(frame.data)}\n\n`);
    try {
      const result =
        'stored' in plan
          ? plan.stored
          : await plan.run(
              (receivedChars) => send({ event: 'progress', data: { receivedChars } }),
              aborted.signal,
            );
      send({ event: 'done', data: result });
    } catch (error) {
      if (!aborted.signal.aborted) send({ event: 'error', data: this.publicError(error, id) });
    } finally {
      res.end();
    }
  }

  /** What the reviewer is told: never the internal message, which goes to the log under a reference. */
  private publicError(error: unknown, flagId: string): StreamError {
    const reference = randomUUID();
    this.logger.warn(
      `explanation of flag ${flagId} failed (reference ${reference}): ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    );
    if (error instanceof MistralOutputParseError)
      return {
        code: 'invalid_answer',
        message: 'The model’s answer did not pass Sieve’s checks, so nothing was kept. Ask again.',
        reference,
      };
    if (error instanceof MistralStreamInterruptedError || error instanceof MistralTimeoutError)
      return {
        code: 'interrupted',
        message:
          'The answer was interrupted before it was complete, so nothing was kept. Try again.',
        reference,
      };
    if (error instanceof MistralRateLimitError)
      return {
        code: 'model_busy',
        message: 'Mistral is limiting requests right now. Try again in a minute.',
        reference,
      };
    return {
      code: 'explainer_failed',
      message: `The explanation could not be given. If it keeps failing, give an admin the reference ${reference}.`,
      reference,
    };
  }
}
