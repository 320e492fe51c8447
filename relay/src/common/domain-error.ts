// Errors classified by who must act (STYLE.md): the user (bad input), or nobody but us (a bug,
// which is any other thrown value). One exhaustive switch maps a code to the HTTP status.
export type DomainErrorCode = 'INVALID_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'UNAUTHORIZED' | 'FORBIDDEN' | 'GONE' | 'PAYLOAD_TOO_LARGE' | 'UNAVAILABLE';

export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly detail: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function httpStatusOf(code: DomainErrorCode): number {
  switch (code) {
    case 'INVALID_INPUT':
      return 400;
    case 'UNAUTHORIZED':
      return 401;
    case 'FORBIDDEN':
      return 403;
    case 'NOT_FOUND':
      return 404;
    case 'CONFLICT':
      return 409;
    case 'GONE':
      return 410;
    case 'PAYLOAD_TOO_LARGE':
      return 413;
    // An upstream (Zoho) is down or throttling: the operator's to watch, retryable.
    case 'UNAVAILABLE':
      return 503;
  }
}
