import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import type { ExplanationDto } from '@sieve/contracts';
import type { Response } from 'express';
import { CurrentPrincipal, RequireRole } from '../auth/decorators';
import type { Principal } from '../auth/roles';
import { ExplainDto } from './explain.dto';
import { ExplanationsService } from './explanations.service';

@Controller('flags/:id/explanation')
export class ExplanationsController {
  constructor(private readonly explanations: ExplanationsService) {}

  @Get()
  @RequireRole('viewer')
  latest(@Param('id', new ParseUUIDPipe()) id: string): Promise<ExplanationDto | null> {
    return this.explanations.latest(id);
  }

  /**
   * Streams the explanation as server-sent events (`delta`, then `done` or `error`). The
   * connection closing stops the model's stream too.
   */
  @Post()
  @RequireRole('reviewer')
  async explain(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: ExplainDto,
    @CurrentPrincipal() who: Principal,
    @Res() res: Response,
  ): Promise<void> {
    const aborted = new AbortController();
    res.on('close', () => aborted.abort(new Error('client closed the stream')));
    res.status(200).set({
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    const send = (event: string, data: unknown) =>
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    try {
      const onDelta = (text: string) => send('delta', { text });
      const result = body.question
        ? await this.explanations.followUp(id, who, body.question, onDelta, aborted.signal)
        : await this.explanations.explain(
            id,
            who,
            body.regenerate ?? false,
            onDelta,
            aborted.signal,
          );
      send('done', result);
    } catch (error) {
      if (!aborted.signal.aborted)
        send('error', { message: error instanceof Error ? error.message : 'explanation failed' });
    } finally {
      res.end();
    }
  }
}
