import { Controller, Get, Header, NotFoundException, Param, Res } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

// The console is static HTML, CSS and ES modules in relay/console/, no build step.
const ASSET_DIR = fileURLToPath(new URL('../../console/', import.meta.url));
const ASSETS: Record<string, string> = {
  'app.js': 'text/javascript; charset=utf-8',
  'api-tokens.js': 'text/javascript; charset=utf-8',
  'connections.js': 'text/javascript; charset=utf-8',
  'sync-common.js': 'text/javascript; charset=utf-8',
  'flows.js': 'text/javascript; charset=utf-8',
  'runs.js': 'text/javascript; charset=utf-8',
  'records.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
};

interface RawResponse {
  setHeader(name: string, value: string): void;
  send(body: Buffer | string): void;
}

const SECURITY_HEADERS: Array<[string, string]> = [
  ['Content-Security-Policy', "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; frame-ancestors 'none'"],
  ['X-Content-Type-Options', 'nosniff'],
  ['Referrer-Policy', 'no-referrer'],
];

@Controller('console')
export class ConsoleAssetsController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  async index(@Res() response: RawResponse): Promise<void> {
    for (const [name, value] of SECURITY_HEADERS) response.setHeader(name, value);
    response.send(await readFile(`${ASSET_DIR}index.html`));
  }

  @Get(':asset')
  async asset(@Param('asset') asset: string, @Res() response: RawResponse): Promise<void> {
    const type = ASSETS[asset];
    if (!type) throw new NotFoundException();
    response.setHeader('Content-Type', type);
    for (const [name, value] of SECURITY_HEADERS) response.setHeader(name, value);
    response.send(await readFile(`${ASSET_DIR}${asset}`));
  }
}
