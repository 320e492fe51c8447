export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

/** One step of `mlc-agent doctor`: what was checked, what was found, and what to do about it. */
export interface CheckResult {
  name: string;
  status: CheckStatus;
  detail: string;
  /** Plain words a Basis admin can act on; present when status is warn or fail. */
  advice?: string;
}

export const ok = (name: string, detail: string): CheckResult => ({ name, status: 'ok', detail });
export const warn = (name: string, detail: string, advice: string): CheckResult => ({ name, status: 'warn', detail, advice });
export const fail = (name: string, detail: string, advice: string): CheckResult => ({ name, status: 'fail', detail, advice });
export const skip = (name: string, detail: string): CheckResult => ({ name, status: 'skip', detail });

/** 0 when all passed, 1 with warnings only, 2 with any failure (Nagios convention, as status). */
export function doctorExitCode(results: CheckResult[]): number {
  if (results.some((r) => r.status === 'fail')) return 2;
  return results.some((r) => r.status === 'warn') ? 1 : 0;
}

const MARK: Record<CheckStatus, string> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL', skip: 'skip' };

export function formatResults(results: CheckResult[]): string {
  const lines = results.map((r) => `[${MARK[r.status]}] ${r.name}: ${r.detail}${r.advice ? `\n       -> ${r.advice}` : ''}`);
  const failed = results.filter((r) => r.status === 'fail').length;
  const warned = results.filter((r) => r.status === 'warn').length;
  lines.push(failed ? `${failed} check(s) failed, ${warned} warning(s).` : warned ? `all essential checks passed, ${warned} warning(s).` : 'all checks passed.');
  return lines.join('\n');
}
