import { TunnelError } from '@mlc/tunnel';
import type { Logger } from 'pino';
import type { AgentPolicy } from '../config/sap-profile.schema.js';

// Generic table readers would let anyone holding an allowed FM read USR02: tables are read only
// through rfc_read_table, where policy.tables applies, whatever policy.functionModules says.
const TABLE_READ_FMS = new Set(['RFC_READ_TABLE', 'BBP_RFC_READ_TABLE', '/BODS/RFC_READ_TABLE2', '/SAPDS/RFC_READ_TABLE2', 'RFC_GET_TABLE_ENTRIES', 'TABLE_ENTRIES_GET_VIA_RFC']);

/**
 * The local policy, the last word on what the relay may run. Denied is the default; every denial
 * is logged here on the agent (the relay may be the one misbehaving) and names the rule.
 */
export class SapPolicy {
  constructor(private readonly policy: Pick<AgentPolicy, 'functionModules' | 'tables'>) {}

  assertFunctionModule(log: Logger, profile: string, functionModule: string): void {
    if (TABLE_READ_FMS.has(functionModule)) {
      this.deny(log, profile, `${functionModule} reads arbitrary tables; use rfc_read_table, which policy.tables governs`, { rule: 'table-readers-only-via-rfc_read_table', function_module: functionModule });
    }
    const allowed = this.policy.functionModules.some((entry) => (entry.endsWith('*') ? functionModule.startsWith(entry.slice(0, -1)) : entry === functionModule));
    if (!allowed) this.deny(log, profile, `function module ${functionModule} is not in policy.functionModules`, { rule: 'policy.functionModules', function_module: functionModule });
  }

  /** The row cap that applies to a read of `table` asking for `maxRows` (0 = as many as allowed). */
  tableRowCap(log: Logger, profile: string, table: string, maxRows: number): number {
    const entry = Object.hasOwn(this.policy.tables, table) ? this.policy.tables[table] : undefined;
    if (!entry) return this.deny(log, profile, `table ${table} is not in policy.tables`, { rule: 'policy.tables', table });
    if (maxRows > entry.maxRows) {
      this.deny(log, profile, `${maxRows} rows of ${table} asked, policy.tables.${table}.maxRows is ${entry.maxRows}`, { rule: `policy.tables.${table}.maxRows`, table, max_rows: String(entry.maxRows) });
    }
    return entry.maxRows;
  }

  /** A read that found more rows than the cap allows. */
  rowCapExceeded(log: Logger, profile: string, table: string, cap: number): TunnelError {
    return this.denial(log, profile, `${table} has more rows than policy.tables.${table}.maxRows (${cap}); narrow the read with "where" or raise the cap`, { rule: `policy.tables.${table}.maxRows`, table, max_rows: String(cap) });
  }

  private deny(log: Logger, profile: string, reason: string, detail: Record<string, string>): never {
    throw this.denial(log, profile, reason, detail);
  }

  private denial(log: Logger, profile: string, reason: string, detail: Record<string, string>): TunnelError {
    log.warn({ profile, ...detail }, `policy denied: ${reason}`);
    return new TunnelError('POLICY_DENIED', `the agent's policy denies this: ${reason}`, { detail: { ...detail, profile } });
  }
}
