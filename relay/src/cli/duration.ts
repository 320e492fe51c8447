import { DomainError } from '../common/domain-error.js';

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "90s", "30m", "1h", "2d" -> ms. */
export function parseDuration(text: string, field: string): number {
  const match = /^(\d+)([smhd])$/.exec(text.trim());
  if (!match) throw new DomainError('INVALID_INPUT', `${field}: "${text}" is not a duration like 30m, 1h or 2d`, { field });
  return Number(match[1]) * UNIT_MS[match[2]];
}
