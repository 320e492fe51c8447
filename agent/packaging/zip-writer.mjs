// A minimal zip writer (deflate, no zip64) on Node's own zlib, so the Windows package needs no
// third-party archiver. Limits: under 4 GiB and 65,535 entries, which the package is far below.
import { Buffer } from 'node:buffer';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';

const DOS_DATE_1980 = (0 << 9) | (1 << 5) | 1;

function* walk(dir, prefix) {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    const name = `${prefix}/${entry.name}`;
    if (entry.isDirectory()) yield* walk(path, name);
    else if (entry.isFile()) yield { path, name };
    else throw new Error(`${path}: only files and folders can go into a zip`);
  }
}

/** Writes every file under `dir` into `file`, each named `top/relative/path`. */
export function writeZip(file, dir, top) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const { path, name } of walk(dir, top)) {
    const data = readFileSync(path);
    const packed = deflateRawSync(data, { level: 9 });
    const nameBytes = Buffer.from(name, 'utf8');
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(0x0800, 6); // names are UTF-8
    header.writeUInt16LE(8, 8); // deflate
    header.writeUInt16LE(0, 10);
    header.writeUInt16LE(DOS_DATE_1980, 12);
    header.writeUInt32LE(crc32(data), 14);
    header.writeUInt32LE(packed.length, 18);
    header.writeUInt32LE(data.length, 22);
    header.writeUInt16LE(nameBytes.length, 26);
    header.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    header.copy(central, 6, 4, 30);
    central.writeUInt32LE(offset, 42);
    if (offset + 30 + nameBytes.length + packed.length > 0xffffffff) throw new Error('zip larger than 4 GiB');
    locals.push(header, nameBytes, packed);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + packed.length;
  }
  const count = centrals.length / 2;
  if (count > 0xffff) throw new Error('more than 65,535 files for a zip without zip64');
  const centralSize = centrals.reduce((sum, b) => sum + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  writeFileSync(file, Buffer.concat([...locals, ...centrals, end]));
  return statSync(file).size;
}
