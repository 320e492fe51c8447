import { closeSync, existsSync, fdatasyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Row } from './table-store.js';

/** What makes two runs the same system: the seeded master data and the client. */
export interface SystemIdentity {
  seed: number;
  customers: number;
  vendors: number;
  client: string;
}

/** One COMMIT WORK (or one dialog save): every row it wrote, and the number ranges after it. */
export interface CommittedWork {
  puts: Array<[table: string, row: Row]>;
  counters: Record<string, number>;
}

/** The data directory cannot be used (someone must act), or the disk refused a commit. */
export class CommitJournalError extends Error {
  override readonly name = 'CommitJournalError';
}

const FORMAT = 1;
const MANIFEST = 'system.json';
const JOURNAL = 'commits.ndjson';

/**
 * The simulated database's durable part: committed work is appended to a journal (one JSON line
 * per commit, flushed to disk before the commit returns), as a database writes its log before it
 * confirms a commit. Work that never reached COMMIT WORK is never written, so a killed simulator
 * comes back with every committed document and none of the uncommitted ones — what ECC does when
 * it rolls back open LUWs after a crash. A line cut short by a kill mid-write is not a commit: it
 * is dropped on the next start.
 */
export class CommitJournal {
  private fd: number | undefined;
  /** After a failed write the file may end in a torn line; later commits must not follow it. */
  private broken: Error | undefined;

  private constructor(
    readonly dir: string,
    readonly recovered: CommittedWork[],
    fd: number,
  ) {
    this.fd = fd;
  }

  /** Opens (or creates) the journal in `dir`; refuses a directory made for another system. */
  static open(dir: string, identity: SystemIdentity): CommitJournal {
    mkdirSync(dir, { recursive: true });
    checkManifest(join(dir, MANIFEST), identity);
    const path = join(dir, JOURNAL);
    const { records, validBytes, totalBytes } = existsSync(path) ? readJournal(path) : { records: [], validBytes: 0, totalBytes: 0 };
    const fd = openSync(path, 'a');
    if (validBytes < totalBytes) {
      ftruncateSync(fd, validBytes);
      fdatasyncSync(fd);
    }
    return new CommitJournal(dir, records, fd);
  }

  /** Writes one commit and waits until the disk has it. */
  append(work: CommittedWork): void {
    if (this.broken) throw new CommitJournalError(`the commit journal in ${this.dir} failed earlier (${this.broken.message}); restart the simulator`);
    if (this.fd === undefined) throw new CommitJournalError(`the commit journal in ${this.dir} is closed`);
    try {
      writeSync(this.fd, `${JSON.stringify(work)}\n`);
      fdatasyncSync(this.fd);
    } catch (err) {
      this.broken = err as Error;
      throw new CommitJournalError(`cannot write the commit journal in ${this.dir}: ${(err as Error).message}`, { cause: err });
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

function checkManifest(path: string, identity: SystemIdentity): void {
  if (!existsSync(path)) {
    writeFileSync(path, `${JSON.stringify({ format: FORMAT, ...identity }, null, 2)}\n`);
    return;
  }
  const stored = JSON.parse(readFileSync(path, 'utf8')) as Partial<SystemIdentity> & { format?: number };
  if (stored.format !== FORMAT) throw new CommitJournalError(`${path} has format ${String(stored.format)}; this simulator writes format ${FORMAT}`);
  const differs = (Object.keys(identity) as Array<keyof SystemIdentity>).filter((k) => stored[k] !== identity[k]);
  if (differs.length > 0) {
    const was = differs.map((k) => `${k} ${String(stored[k])}`).join(', ');
    const now = differs.map((k) => `${k} ${String(identity[k])}`).join(', ');
    throw new CommitJournalError(`the data directory ${path.slice(0, -MANIFEST.length - 1)} belongs to a system with ${was}, not ${now}: start with the same options or an empty directory`);
  }
}

/** Every whole line of the journal; a last line without its newline was cut by a crash. */
function readJournal(path: string): { records: CommittedWork[]; validBytes: number; totalBytes: number } {
  const bytes = readFileSync(path);
  const validBytes = bytes.lastIndexOf(0x0a) + 1;
  const text = bytes.subarray(0, validBytes).toString('utf8');
  const records: CommittedWork[] = [];
  let lineNo = 0;
  for (const line of text.split('\n')) {
    lineNo += 1;
    if (line === '') continue;
    try {
      records.push(JSON.parse(line) as CommittedWork);
    } catch {
      throw new CommitJournalError(`${path} line ${lineNo} is not a commit record; the journal is damaged`);
    }
  }
  return { records, validBytes, totalBytes: bytes.length };
}
