import { createServer, type Server, type Socket } from 'node:net';
import type { FmRegistry } from '../fm/fm-registry.js';
import { encodeFrame, FrameDecoder } from '../protocol/frame-codec.js';
import type { ClientFrame, RfcObject, ServerFrame } from '../protocol/messages.js';
import { abapRuntimeFailure, communicationFailure, endsSession, logonFailure, RfcFailure, type RfcError } from '../protocol/rfc-errors.js';
import type { EccDatabase } from '../store/ecc-database.js';
import type { Enqueue } from '../store/enqueue.js';
import { LuwSession } from './luw-session.js';
import type { SimConfig } from './sim-config.js';

interface Conversation {
  socket: Socket;
  luw?: LuwSession;
  handle: number;
  queue: Promise<void>;
}

/** Waits `ms`, or less when the connection goes away: a cancelled call frees its work process. */
function latency(socket: Socket, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      socket.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    socket.once('close', done);
  });
}

/** The dispatcher queue in front of the dialog work processes: first come, first served. */
class WorkProcesses {
  private busy = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly count: number) {}

  get busyCount(): number {
    return this.busy;
  }

  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.busy >= this.count) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.busy++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.busy--;
    }
  }
}

/**
 * A table parameter longer than this goes out in slices ahead of its result. node-rfc builds a
 * result's rows one by one in C; one JSON frame for a whole RFC_READ_TABLE page would make the
 * client hold a multi-megabyte string per call, a cost (and a heap profile) node-rfc never has.
 */
const ROWS_PER_FRAME = 256;

const LANGUAGES: Record<string, string> = { EN: 'E', DE: 'D', FR: 'F', ES: 'S', IT: 'I' };

/**
 * The gateway and the dialog work processes: one TCP connection is one RFC conversation (an SAP
 * user session with its own LUW). It enforces the conversation cap, logon, and the fault knobs.
 */
export class RfcServer {
  private server: Server | undefined;
  private readonly conversations = new Set<Conversation>();
  private nextHandle = 0x7f3a00001000;
  private boundPort = 0;
  private readonly workProcesses: WorkProcesses;

  constructor(
    private readonly config: SimConfig,
    private readonly db: EccDatabase,
    private readonly enqueue: Enqueue,
    private readonly registry: FmRegistry,
  ) {
    this.workProcesses = new WorkProcesses(config.workProcesses ?? config.maxSessions);
  }

  get port(): number {
    return this.boundPort;
  }

  get sessionCount(): number {
    return [...this.conversations].filter((c) => c.luw).length;
  }

  /** Work processes running a call, and calls waiting for one. */
  load(): { workProcessesBusy: number; queuedCalls: number } {
    return { workProcessesBusy: this.workProcesses.busyCount, queuedCalls: this.workProcesses.queued };
  }

  sessions(): Array<{ handle: number; user: string; pendingWork: boolean }> {
    return [...this.conversations].flatMap((c) => (c.luw ? [{ handle: c.handle, user: c.luw.user, pendingWork: c.luw.hasPendingWork }] : []));
  }

  async start(): Promise<number> {
    if (!this.config.faults.gatewayDown) await this.listen(this.config.port || this.boundPort);
    return this.boundPort;
  }

  /** Gateway down refuses connections outright (nothing listens) and drops the open ones. */
  async setGatewayDown(down: boolean): Promise<void> {
    this.config.faults.gatewayDown = down;
    if (down) {
      for (const c of this.conversations) c.socket.destroy();
      await this.stopListening();
    } else if (!this.server) {
      await this.listen(this.boundPort);
    }
  }

  async stop(): Promise<void> {
    for (const c of this.conversations) c.socket.destroy();
    await this.stopListening();
  }

  private listen(port: number): Promise<void> {
    const server = createServer((socket) => this.accept(socket));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.config.host, () => {
        server.off('error', reject);
        const address = server.address();
        this.boundPort = typeof address === 'object' && address ? address.port : port;
        this.server = server;
        resolve();
      });
    });
  }

  private stopListening(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }

  private accept(socket: Socket): void {
    socket.setNoDelay(true);
    const conversation: Conversation = { socket, handle: this.nextHandle++, queue: Promise.resolve() };
    this.conversations.add(conversation);
    const decoder = new FrameDecoder();
    socket.on('data', (chunk: Buffer) => {
      let frames: unknown[];
      try {
        frames = decoder.push(chunk);
      } catch {
        socket.destroy();
        return;
      }
      for (const frame of frames) {
        conversation.queue = conversation.queue
          .then(() => this.handle(conversation, frame as ClientFrame))
          .catch((err: unknown) => {
            process.stderr.write(`sim-sap-ecc: conversation ${conversation.handle} failed: ${String(err)}\n`);
            socket.destroy();
          });
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      // A lost connection ends the user session: its uncommitted work and its locks are gone.
      conversation.luw?.rollback();
      conversation.luw = undefined;
      this.conversations.delete(conversation);
    });
  }

  private send(c: Conversation, frame: ServerFrame): void {
    if (!c.socket.destroyed) c.socket.write(encodeFrame(frame));
  }

  private sendResult(c: Conversation, id: number, result: RfcObject): void {
    const head: RfcObject = {};
    for (const [param, value] of Object.entries(result)) {
      if (!Array.isArray(value) || value.length <= ROWS_PER_FRAME) {
        head[param] = value;
        continue;
      }
      for (let i = 0; i < value.length; i += ROWS_PER_FRAME) this.send(c, { t: 'rows', id, param, rows: value.slice(i, i + ROWS_PER_FRAME) });
      head[param] = [];
    }
    this.send(c, { t: 'result', id, result: head });
  }

  private fail(c: Conversation, id: number, error: RfcError): void {
    const ends = endsSession(error);
    this.send(c, { t: 'error', id, error, endsSession: ends });
    if (ends) {
      c.luw?.rollback();
      c.luw = undefined;
      c.socket.end();
    }
  }

  private async handle(c: Conversation, frame: ClientFrame): Promise<void> {
    if (c.socket.destroyed) return;
    switch (frame.t) {
      case 'open':
        return this.logon(c, frame.id, frame.logon);
      case 'ping':
        return c.luw ? this.send(c, { t: 'result', id: frame.id, result: {} }) : this.notLoggedOn(c, frame.id);
      case 'reset':
        c.luw?.rollback();
        return c.luw ? this.send(c, { t: 'result', id: frame.id, result: {} }) : this.notLoggedOn(c, frame.id);
      case 'call':
        return this.workProcesses.run(() => this.call(c, frame.id, frame.fm, frame.params));
    }
  }

  private notLoggedOn(c: Conversation, id: number): void {
    this.fail(c, id, communicationFailure('CPIC-CALL: ThSAPCMRCV: conversation not logged on'));
  }

  private logon(c: Conversation, id: number, logon: { user: string; passwd: string; client: string; lang: string }): void {
    if (this.sessionCount >= this.config.maxSessions) {
      this.fail(c, id, communicationFailure(
        `LOCATION    SAP-Gateway on host ${this.config.sysId.toLowerCase()}app / sapgw${this.config.sysNr}\n` +
        `ERROR       max no of ${this.config.maxSessions} conversations exceeded\n` +
        'DETAIL      the gateway has no free conversation slot; retry later\nMODULE      gwr3cpic.c\nRETURN CODE 242',
      ));
      c.socket.end();
      return;
    }
    const user = logon.user.toUpperCase();
    if (logon.client !== this.config.client || this.config.users[user] === undefined || this.config.users[user] !== logon.passwd) {
      this.fail(c, id, logonFailure());
      c.socket.end();
      return;
    }
    c.luw = new LuwSession(c.handle, user, this.enqueue, this.db);
    const language = LANGUAGES[logon.lang.toUpperCase()] ?? (logon.lang.slice(0, 1).toUpperCase() || 'E');
    this.send(c, {
      t: 'opened', id,
      session: {
        handle: c.handle, sysId: this.config.sysId, client: this.config.client, user, language,
        host: `${this.config.sysId.toLowerCase()}app`, sysNumber: this.config.sysNr, rel: '731', kernelRel: '753',
      },
    });
  }

  private async call(c: Conversation, id: number, fm: string, params: RfcObject): Promise<void> {
    const luw = c.luw;
    if (!luw) return this.notLoggedOn(c, id);
    const faults = this.config.faults;
    if (faults.latencyMs > 0) await latency(c.socket, faults.latencyMs);
    if (c.socket.destroyed) return;
    if (Math.random() < faults.communicationFailureRate) {
      c.socket.destroy();
      return;
    }
    if (Math.random() < faults.systemFailureRate) {
      return this.fail(c, id, abapRuntimeFailure('TSV_TNEW_PAGE_ALLOC_FAILED', 'No more memory available to add rows to an internal table.'));
    }
    try {
      const result = this.registry.invoke({ db: this.db, enqueue: this.enqueue, luw, logicalSystem: `${this.config.sysId}CLNT${this.config.client}` }, fm, params);
      this.sendResult(c, id, result);
    } catch (err) {
      if (err instanceof RfcFailure) return this.fail(c, id, err.rfcError);
      // A bug in the simulator shows up as what it would be on a real system: a short dump.
      process.stderr.write(`sim-sap-ecc: ${fm} failed: ${(err as Error).stack ?? String(err)}\n`);
      this.fail(c, id, abapRuntimeFailure('UNCAUGHT_EXCEPTION', `An exception occurred that was not caught: ${(err as Error).message}`));
    }
  }
}
