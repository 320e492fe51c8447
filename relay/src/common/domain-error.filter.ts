import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import { TunnelError, type ErrorCode } from '@mlc/tunnel';
import { DomainError, httpStatusOf } from './domain-error.js';
import type { Logger } from './logger.js';

interface JsonResponse {
  status(code: number): { json(body: unknown): void };
}

/** Domain errors become the 4xx a user reads; anything else is our bug: a 500 and a full stack in the log. */
@Catch()
export class DomainErrorFilter implements ExceptionFilter {
  constructor(private readonly log: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<JsonResponse>();
    if (exception instanceof DomainError) {
      response.status(httpStatusOf(exception.code)).json({ error: exception.code.toLowerCase(), message: exception.message, detail: exception.detail });
      return;
    }
    if (exception instanceof TunnelError) {
      response.status(httpStatusOfTunnel(exception.code)).json({
        error: exception.code.toLowerCase(),
        message: exception.message,
        retryable: exception.retryable,
        detail: exception.detail,
      });
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      // The framework's own refusals (malformed JSON, a body over the parser's limit, no such route)
      // are logged like ours; the path only, since a query string may carry a grant code.
      const request = host.switchToHttp().getRequest<{ method?: string; path?: string }>();
      this.log.warn({ status, method: request.method, path: request.path, reason: exception.message }, 'request refused');
      response.status(status).json({ error: 'http_error', message: exception.message });
      return;
    }
    this.log.error({ err: exception }, 'unhandled error in a request');
    response.status(500).json({ error: 'internal', message: 'internal error; see the relay log' });
  }
}

function httpStatusOfTunnel(code: ErrorCode): number {
  switch (code) {
    case 'INVALID_ARGUMENT':
    case 'UNKNOWN_COMMAND':
      return 400;
    case 'POLICY_DENIED':
      return 403;
    case 'BUSINESS_ERROR':
      return 422;
    case 'OVERLOADED':
      return 429;
    case 'AGENT_OFFLINE':
    case 'CANCELLED':
      return 503;
    case 'DEADLINE_EXCEEDED':
      return 504;
    case 'ERROR_CODE_UNSPECIFIED':
    case 'UNAUTHENTICATED':
    case 'AGENT_REVOKED':
    case 'PROTOCOL_VIOLATION':
    case 'FRAME_TOO_LARGE':
    case 'UNSUPPORTED_PROTOCOL':
    case 'UNAVAILABLE':
    case 'INTERNAL':
      return 502;
  }
}
