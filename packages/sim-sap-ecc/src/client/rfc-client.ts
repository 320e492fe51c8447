import type { RfcObject, ServerFrame, SessionInfo } from '../protocol/messages.js';
import { closedConnection, endsSession, invalidParameter, RfcRc, type RfcError } from '../protocol/rfc-errors.js';
import { RfcConnection } from './rfc-connection.js';
import type {
  RfcCallOptions,
  RfcCallback,
  RfcClientConfig,
  RfcClientOptions,
  RfcConnectionInfo,
  RfcConnectionParameters,
} from './rfc-types.js';

let clientCount = 0;

function param(p: RfcConnectionParameters, name: 'ashost' | 'sysnr' | 'client' | 'user' | 'passwd' | 'lang' | 'gwserv' | 'gwhost' | 'mshost'): string | undefined {
  return p[name] ?? p[name.toUpperCase() as keyof RfcConnectionParameters];
}

function settle<T>(promise: Promise<T>, callback?: RfcCallback<T>): void | Promise<T> {
  if (!callback) return promise;
  promise.then((value) => callback(undefined, value), (err: unknown) => callback(err));
}

function unexpected(frame: ServerFrame): RfcError {
  return invalidParameter(`unexpected reply '${frame.t}' from the simulator`);
}

/**
 * node-rfc's Client over a socket to the simulator. Calls on one client are serialised, as the
 * NW RFC SDK allows one call per connection at a time. After a communication failure, a short dump,
 * an ABAP message or a cancel the connection is reopened with a new handle, like node-rfc does, so
 * uncommitted work is gone.
 */
export class Client {
  private connection: RfcConnection | undefined;
  private session: SessionInfo | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly clientId = ++clientCount;

  constructor(
    private readonly connectionParameters: RfcConnectionParameters,
    private readonly clientOptions?: RfcClientOptions,
  ) {
    if (!connectionParameters || Object.keys(connectionParameters).length === 0) {
      throw new TypeError('Client connection parameters missing');
    }
  }

  get id(): number {
    return this.clientId;
  }

  /** As in node-rfc, a connection the partner dropped still counts as open until a call finds out. */
  get alive(): boolean {
    return this.connection !== undefined && this.session !== undefined;
  }

  get connectionHandle(): number {
    return this.session?.handle ?? 0;
  }

  get config(): RfcClientConfig {
    return { connectionParameters: this.connectionParameters, clientOptions: this.clientOptions };
  }

  get connectionInfo(): RfcConnectionInfo | Record<string, never> {
    const s = this.session;
    if (!s || !this.alive) return {};
    return {
      dest: '', host: 'mlc-node', partnerHost: s.host, sysNumber: s.sysNumber, sysId: s.sysId,
      client: s.client, user: s.user, language: s.language, trace: '0', isoLanguage: s.language === 'E' ? 'EN' : s.language,
      codepage: '4103', partnerCodepage: '4103', rfcRole: 'C', type: 'E', partnerType: '3', rel: '753',
      partnerRel: s.rel, kernelRel: s.kernelRel, cpicConvId: String(s.handle).padStart(8, '0'),
      progName: 'SAPLSRFC', partnerBytesPerChar: '2', partnerSystemCodepage: '4103',
      partnerIP: '127.0.0.1', partnerIPv6: '127.0.0.1',
    };
  }

  open(callback?: RfcCallback<Client>): void | Promise<Client> {
    return settle(this.doOpen().then(() => this), callback);
  }

  /** Kept from node-rfc for backwards compatibility. */
  connect(callback?: RfcCallback<Client>): void | Promise<Client> {
    return this.open(callback);
  }

  close(callback?: RfcCallback<void>): void | Promise<void> {
    const closing = (async (): Promise<void> => {
      if (!this.alive) throw closedConnection('close()');
      this.connection?.close();
      this.connection = undefined;
      this.session = undefined;
    })();
    return settle(closing, callback);
  }

  ping(callback?: RfcCallback<boolean>): void | Promise<boolean> {
    return settle(this.serialised(async () => {
      await this.roundTrip({ t: 'ping' }, 'ping()');
      return true;
    }), callback);
  }

  /** Ends the call in flight (the server-side session with it); the client then reconnects. */
  cancel(callback?: RfcCallback<void>): void | Promise<void> {
    const cancelling = (async (): Promise<void> => {
      if (!this.alive) throw closedConnection('cancel()');
      this.connection?.cancel();
    })();
    return settle(cancelling, callback);
  }

  resetServerContext(callback?: RfcCallback<void>): void | Promise<void> {
    return settle(this.serialised(async () => {
      await this.roundTrip({ t: 'reset' }, 'resetServerContext()');
    }), callback);
  }

  call(rfmName: string, rfmParams: RfcObject, callOptions: RfcCallOptions = {}): Promise<RfcObject> {
    if (typeof rfmName !== 'string') {
      return Promise.reject(new TypeError('First argument (remote function module name) must be an string'));
    }
    if (typeof rfmParams !== 'object' || rfmParams === null) {
      return Promise.reject(new TypeError('Second argument (remote function module parameters) must be an object'));
    }
    for (const name of Object.keys(rfmParams)) {
      if (name.length === 0) return Promise.reject(new TypeError(`Empty RFM parameter name when calling "${rfmName}"`));
      if (!/^[a-zA-Z0-9_]*$/.test(name)) {
        return Promise.reject(new TypeError(`RFM parameter name invalid: "${name}" when calling "${rfmName}"`));
      }
    }
    return this.serialised(() => this.invokeNow(rfmName, rfmParams, callOptions));
  }

  invoke(rfmName: string, rfmParams: RfcObject, callback: RfcCallback<RfcObject>, callOptions?: RfcCallOptions): void {
    this.call(rfmName, rfmParams, callOptions).then((r) => callback(undefined, r), (e: unknown) => callback(e));
  }

  private async invokeNow(fm: string, params: RfcObject, options: RfcCallOptions): Promise<RfcObject> {
    const seconds = options.timeout || this.clientOptions?.timeout || 0;
    const timer = seconds > 0 ? setTimeout(() => this.connection?.cancel(), seconds * 1000) : undefined;
    try {
      const frame = await this.roundTrip({ t: 'call', fm, params }, `invoke() ${fm}`);
      if (frame.t !== 'result') throw unexpected(frame);
      if (this.clientOptions?.stateless) await this.roundTrip({ t: 'reset' }, 'resetServerContext()');
      return frame.result;
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async roundTrip(frame: { t: 'ping' } | { t: 'reset' } | { t: 'call'; fm: string; params: RfcObject }, what: string): Promise<ServerFrame> {
    const connection = this.connection;
    if (!connection || !this.alive) throw closedConnection(what);
    let reply: ServerFrame;
    try {
      reply = await connection.request(frame);
    } catch (err) {
      await this.reopenAfter(err as RfcError);
      throw err;
    }
    if (reply.t === 'error') {
      if (reply.endsSession || endsSession(reply.error)) await this.reopenAfter(reply.error);
      if (reply.error.name === 'TypeError') throw new TypeError(reply.error.message);
      throw reply.error;
    }
    return reply;
  }

  /** node-rfc reopens after these errors; when the partner stays unreachable the client is dead. */
  private async reopenAfter(err: RfcError): Promise<void> {
    const code = err.code ?? 0;
    const reopen = code === RfcRc.RFC_CANCELED || endsSession(err);
    this.connection?.close();
    this.connection = undefined;
    this.session = undefined;
    if (!reopen) return;
    try {
      await this.doOpen();
    } catch {
      this.connection = undefined;
      this.session = undefined;
    }
  }

  private async doOpen(): Promise<void> {
    const p = this.connectionParameters;
    const host = param(p, 'ashost') ?? param(p, 'gwhost');
    if (!host) {
      throw invalidParameter(param(p, 'mshost')
        ? 'Parameter MSHOST is not supported by the simulated ECC; use ASHOST'
        : 'Parameter ASHOST, GWHOST, MSHOST or PORT is missing.');
    }
    const gwserv = param(p, 'gwserv');
    const port = gwserv && /^\d+$/.test(gwserv) ? Number(gwserv) : 3300 + Number(param(p, 'sysnr') ?? '0');
    const connection = await RfcConnection.open(host, port);
    const reply = await connection.request({
      t: 'open',
      logon: { user: param(p, 'user') ?? '', passwd: param(p, 'passwd') ?? '', client: param(p, 'client') ?? '', lang: param(p, 'lang') ?? 'EN' },
    }).catch((err: unknown) => {
      connection.close();
      throw err;
    });
    if (reply.t === 'error') {
      connection.close();
      throw reply.error;
    }
    if (reply.t !== 'opened') throw unexpected(reply);
    this.connection?.close();
    this.connection = connection;
    this.session = reply.session;
  }
}
