import { LUW_FUNCTION_MODULES, NodeRfcConnectionPool, TableReadStrategy, loadRfcModule, runRfcTransaction, withConnection, type RfcConnectionPool, type RfcParams, type RfcPoolStatus } from '@mlc/sap';
import { TunnelError, type RfcCallCommand, type RfcReadTableCommand, type RfcTransactionCommand, type ResultBody } from '@mlc/tunnel';
import type { Logger } from 'pino';
import type { AgentPolicy, SapProfile } from '../config/sap-profile.schema.js';
import type { SecretBox } from '../secrets/secret-box.js';
import type { StreamWriter } from '../tunnel/stream-writer.js';
import { SapPolicy } from './sap-policy.js';
import type { ProfileHealth } from '../health/agent-status.js';

export interface SapCommandContext {
  signal: AbortSignal;
  stream: StreamWriter | undefined;
  log: Logger;
}

interface SapSystem {
  profile: SapProfile;
  /** node-rfc parameters with the decrypted password; never logged, never sent. */
  connectionParameters: Record<string, string>;
  pool?: Promise<RfcConnectionPool>;
  /** The pool once its RFC module has loaded, for the metrics. */
  loadedPool?: RfcConnectionPool;
  reader: TableReadStrategy;
  /** The last RFC_PING probe, for `mlc-agent status`. */
  health?: ProfileHealth;
}

// Rows go back as NDJSON in chunks of at most this many bytes (or the relay's limit when lower):
// big enough to amortise a frame, and small enough that every string made of a chunk, here and on
// the relay (decoded, joined, parsed), stays under V8's large-object size (128 KB, even two bytes a
// character). Larger strings are allocated straight into the old generation and live until a full
// GC: at 256 KB chunks that garbage alone grew each process by a hundred MB during a long read.
const ROW_CHUNK_BYTES = 60 * 1024;

/**
 * Runs the rfc_* commands on the agent's SAP profiles: one connection pool per system (hard cap
 * per profile), the local policy first, every failure as a TunnelError the relay can act on.
 */
export class SapExecutor {
  private readonly systems = new Map<string, SapSystem>();
  private readonly policy: SapPolicy;

  constructor(profiles: SapProfile[], policy: AgentPolicy, secrets: SecretBox | undefined) {
    this.policy = new SapPolicy(policy);
    profiles.forEach((profile, index) => {
      if (!secrets) throw new TunnelError('INTERNAL', 'SAP profiles need the secret key');
      const passwd = secrets.decrypt(profile.password, `profiles[${index}].password`);
      this.systems.set(profile.name, { profile, connectionParameters: { ...profile.connection, passwd }, reader: new TableReadStrategy() });
    });
  }

  /** Loads each profile's RFC module now, so a missing node-rfc is reported at start, not at the first command. */
  async check(log: Logger): Promise<void> {
    for (const system of this.systems.values()) {
      await this.pool(system).then(
        () => log.info({ profile: system.profile.name, rfcModule: system.profile.rfcModule, maxConnections: system.profile.maxConnections }, 'SAP profile ready'),
        (err: unknown) => log.error({ profile: system.profile.name, reason: (err as Error).message }, 'SAP profile cannot work'),
      );
    }
  }

  async rfcCall(body: RfcCallCommand, { signal, log }: SapCommandContext): Promise<ResultBody> {
    const system = this.system(body.profile);
    this.policy.assertFunctionModule(log, body.profile, body.function_module);
    const params = parseParams(body.params_json, 'params_json');
    const pool = await this.pool(system);
    const result = await withConnection(pool, signal, (connection) => connection.call(body.function_module, params, { signal }));
    return { body: 'rfc_call', rfc_call: { result_json: JSON.stringify(result) } };
  }

  async rfcTransaction(body: RfcTransactionCommand, { signal, log }: SapCommandContext): Promise<ResultBody> {
    const system = this.system(body.profile);
    if (body.calls.length === 0) throw new TunnelError('INVALID_ARGUMENT', 'a transaction needs at least one call', { detail: { field: 'calls' } });
    const calls = body.calls.map((call, index) => {
      if (LUW_FUNCTION_MODULES.has(call.function_module)) {
        throw new TunnelError('INVALID_ARGUMENT', `calls[${index}]: ${call.function_module} is the agent's to call; leave it out`, { detail: { field: `calls[${index}].function_module` } });
      }
      this.policy.assertFunctionModule(log, body.profile, call.function_module);
      return { functionModule: call.function_module, params: parseParams(call.params_json, `calls[${index}].params_json`) };
    });
    const pool = await this.pool(system);
    const outcome = await withConnection(pool, signal, (connection) => runRfcTransaction(connection, calls, signal));
    log.info({ profile: body.profile, calls: calls.map((c) => c.functionModule) }, 'RFC transaction committed');
    return {
      body: 'rfc_transaction',
      rfc_transaction: {
        calls: outcome.calls.map((c) => ({ function_module: c.functionModule, exports_json: JSON.stringify(c.exports), return_json: JSON.stringify(c.returnRows) })),
        commit_return_json: JSON.stringify(outcome.commitReturn),
      },
    };
  }

  async rfcReadTable(body: RfcReadTableCommand, { signal, stream, log }: SapCommandContext): Promise<ResultBody> {
    if (!stream) throw new TunnelError('INTERNAL', 'rfc_read_table needs a stream writer');
    const system = this.system(body.profile);
    const cap = this.policy.tableRowCap(log, body.profile, body.table, body.max_rows);
    const pool = await this.pool(system);
    const chunkLimit = Math.min(ROW_CHUNK_BYTES, stream.maxChunkBytes);
    const summary = await withConnection(pool, signal, async (connection) => {
      const pages = system.reader.read(connection, {
        table: body.table, fields: body.fields, keyFields: body.key_fields, where: body.where || undefined,
        alphaFields: body.alpha_fields, pageSize: body.page_size || undefined, maxRows: body.max_rows || cap,
      }, signal);
      const chunks = new ChunkBuilder(chunkLimit);
      // One page of read-ahead: SAP prepares the next page while this one is encoded and sent.
      let pending = pages.next();
      for (;;) {
        const next = await pending;
        if (next.done) {
          const last = chunks.flush();
          if (last) await stream.write(last);
          return next.value;
        }
        pending = pages.next();
        pending.catch(() => undefined); // awaited on the next turn; a failure is thrown there
        // Each row is converted, encoded and dropped in one go; only whole chunks wait for the relay.
        for (const row of next.value.rows()) {
          const full = chunks.add(JSON.stringify(row));
          if (full) await stream.write(full);
        }
      }
    });
    log.debug({ profile: body.profile, table: body.table, ...summary }, 'table read');
    if (summary.truncated && body.max_rows === 0) throw this.policy.rowCapExceeded(log, body.profile, body.table, cap);
    return { body: 'stream_end', stream_end: { chunks: stream.chunks, bytes: String(stream.bytes) } };
  }

  /**
   * Whether each profile answers RFC_PING (a local health probe, not a relay command, so the
   * policy does not apply). Answers are kept for a while so `mlc-agent status` never hammers SAP.
   */
  async health(maxAgeMs = 30_000): Promise<ProfileHealth[]> {
    return Promise.all(
      [...this.systems.values()].map(async (system) => {
        if (system.health && Date.now() - Date.parse(system.health.checkedAt) < maxAgeMs) return system.health;
        const started = Date.now();
        let reachable = false;
        let detail: string;
        try {
          await withConnection(await this.pool(system), AbortSignal.timeout(10_000), (connection) => connection.ping());
          reachable = true;
          detail = `RFC_PING answered in ${Date.now() - started} ms`;
        } catch (err) {
          detail = (err as Error).message;
        }
        system.health = { name: system.profile.name, kind: 'sap-rfc', reachable, detail, checkedAt: new Date().toISOString() };
        return system.health;
      }),
    );
  }

  /** Each loaded pool's leases, queue and cap (a profile whose RFC module never loaded has none). */
  poolStatus(): Array<{ profile: string; status: RfcPoolStatus }> {
    return [...this.systems.values()].flatMap((system) => (system.loadedPool ? [{ profile: system.profile.name, status: system.loadedPool.status }] : []));
  }

  async close(): Promise<void> {
    await Promise.all([...this.systems.values()].map(async (system) => (await system.pool?.catch(() => undefined))?.close()));
  }

  private system(name: string): SapSystem {
    const system = this.systems.get(name);
    if (!system) throw new TunnelError('INVALID_ARGUMENT', `this agent has no SAP profile "${name}"`, { detail: { field: 'profile', profile: name } });
    return system;
  }

  private pool(system: SapSystem): Promise<RfcConnectionPool> {
    if (!system.pool) {
      const { profile } = system;
      system.pool = loadRfcModule(profile.rfcModule).then((module) => {
        system.loadedPool = new NodeRfcConnectionPool(module, { connectionParameters: system.connectionParameters, maxConnections: profile.maxConnections, callTimeoutSeconds: profile.callTimeoutSeconds });
        return system.loadedPool;
      });
      // A module that failed to load may load after the operator fixes it: try again next time.
      system.pool.catch(() => (system.pool = undefined));
    }
    return system.pool;
  }
}

function parseParams(json: string, field: string): RfcParams {
  if (json.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (err) {
    throw new TunnelError('INVALID_ARGUMENT', `${field} is not valid JSON: ${(err as Error).message}`, { detail: { field } });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new TunnelError('INVALID_ARGUMENT', `${field} must be a JSON object`, { detail: { field } });
  return parsed as RfcParams;
}

/** Packs whole NDJSON lines into chunks of at most `limit` bytes, so a reader can parse chunk by chunk. */
class ChunkBuilder {
  private lines: string[] = [];
  private size = 0;

  constructor(private readonly limit: number) {}

  /** Adds one row's JSON; returns the chunk to send when the row did not fit in it. */
  add(json: string): Buffer | undefined {
    const bytes = Buffer.byteLength(json) + 1;
    if (bytes > this.limit) throw new TunnelError('INTERNAL', `one row is ${bytes} bytes, over the ${this.limit}-byte chunk limit`);
    const full = this.size + bytes > this.limit ? this.flush() : undefined;
    this.lines.push(json);
    this.size += bytes;
    return full;
  }

  flush(): Buffer | undefined {
    if (this.size === 0) return undefined;
    // One string and one Buffer per chunk, not per row.
    const data = Buffer.from(`${this.lines.join('\n')}\n`, 'utf8');
    this.lines = [];
    this.size = 0;
    return data;
  }
}
