import { type ArgumentsHost, BadRequestException, Logger } from '@nestjs/common';
import { HttpExceptionFilter } from './http-exception.filter';

describe('HttpExceptionFilter', () => {
  const answer = (exception: unknown) => {
    const response = { status: jest.fn().mockReturnThis(), json: jest.fn() };
    const host = {
      switchToHttp: () => ({ getResponse: () => response, getRequest: () => ({ id: 'req-42' }) }),
    } as unknown as ArgumentsHost;
    new HttpExceptionFilter().catch(exception, host);
    return { status: response.status.mock.calls[0][0], body: response.json.mock.calls[0][0] };
  };

  afterEach(() => jest.restoreAllMocks());

  it('answers an HttpException with its status and message', () => {
    expect(answer(new BadRequestException('from must be before to'))).toStrictEqual({
      status: 400,
      body: { statusCode: 400, error: 'Bad Request', message: 'from must be before to' },
    });
  });

  it('logs an unexpected error with the request id and tells the client nothing internal', () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const { status, body } = answer(new Error('connection string postgres://secret@db'));
    expect(status).toBe(500);
    expect(body).toStrictEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'Internal server error',
    });
    expect(logged).toHaveBeenCalledWith(
      { reqId: 'req-42' },
      expect.stringContaining('connection string'),
    );
  });
});
