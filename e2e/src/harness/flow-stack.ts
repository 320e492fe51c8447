import type { SimZohoServer } from '@mlc/sim-zoho';
import type { RelayProcess } from './processes.js';

type Json = Record<string, unknown>;

/**
 * What every sync stack offers a test: the tenant's flows and runs through the relay's admin API,
 * and records "in Zoho" through sim-zoho's admin API, made and edited as a Zoho user would.
 */
export abstract class FlowStack {
  abstract readonly zoho: SimZohoServer;
  abstract readonly relay: RelayProcess;
  abstract readonly tenantId: string;

  /** Config every flow of this stack starts from (the X3 stack names its agent profile). */
  protected flowDefaults(): Json {
    return {};
  }

  api(method: string, path: string, body?: unknown): ReturnType<RelayProcess['admin']> {
    return this.relay.admin(method, `/v1/tenants/${this.tenantId}${path}`, body);
  }

  /** Enables a flow and waits for the first run, which enabling starts. */
  async enableFlow(flow: string, config: Json = {}, scheduleMs = 3_600_000, timeoutMs = 60_000): Promise<Json> {
    const before = new Date();
    const res = await this.api('PATCH', `/flows/${flow}`, { enabled: true, schedule_ms: scheduleMs, config: { ...this.flowDefaults(), ...config } });
    if (res.status !== 200) throw new Error(`enabling ${flow} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return this.waitForRun(flow, before, timeoutMs);
  }

  /** Runs a flow now and waits for that run (the first one started after the request) to finish. */
  async runFlow(flow: string, timeoutMs = 60_000): Promise<Json> {
    const before = new Date();
    const res = await this.api('POST', `/flows/${flow}/run`);
    if (res.status !== 202) throw new Error(`run now of ${flow} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return this.waitForRun(flow, before, timeoutMs);
  }

  async waitForRun(flow: string, after: Date, timeoutMs = 60_000): Promise<Json> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const [done] = await this.runsSince(flow, after, 5);
      if (done) return done;
      await sleep(100);
    }
    throw new Error(`no run of ${flow} finished within ${timeoutMs} ms`);
  }

  /** Finished runs of a flow started at or after `after` (among its latest `limit`), newest first. */
  async runsSince(flow: string, after: Date, limit = 50): Promise<Json[]> {
    const runs = (await this.api('GET', `/runs?flow=${flow}&limit=${limit}`)).body['runs'] as Json[];
    return runs.filter((run) => new Date(String(run['startedAt'])) >= after && run['status'] !== 'running');
  }

  async zohoAdmin(method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> {
    const response = await fetch(`${this.zoho.baseUrl()}/__admin/${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, json: text ? (JSON.parse(text) as Json) : {} };
  }

  /** Creates a record "in Zoho" as a user would (fires the webhooks); returns its id. */
  async zohoCreate(module: string, record: Json): Promise<string> {
    const res = await this.zohoAdmin('POST', `records/${module}`, record);
    const item = (res.json['data'] as Array<{ status: string; details: { id: string } }> | undefined)?.[0];
    if (!item || item.status !== 'success') throw new Error(`creating a Zoho ${module} record failed: ${JSON.stringify(res.json)}`);
    return item.details.id;
  }

  /** Edits a record "in Zoho" as a user would. */
  async zohoEdit(module: string, id: string, change: Json): Promise<void> {
    const res = await this.zohoAdmin('PATCH', `records/${module}/${id}`, change);
    if (res.status !== 200) throw new Error(`editing Zoho ${module} ${id} failed: ${JSON.stringify(res.json)}`);
  }

  async zohoRecords(module: string): Promise<Json[]> {
    const res = await this.zohoAdmin('GET', `records/${module}`);
    return (res.json['data'] as Json[] | undefined) ?? [];
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
