import type { z } from 'zod';
import { DomainError } from './domain-error.js';

/** Validates a request body, naming every bad field in one 400. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
  throw new DomainError('INVALID_INPUT', `invalid request: ${problems.join('; ')}`, { fields: parsed.error.issues.map((i) => i.path.join('.')).join(',') });
}
