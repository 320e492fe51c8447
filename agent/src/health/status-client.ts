import { request } from 'node:http';
import type { AgentStatus } from './agent-status.js';

export class AgentNotRunningError extends Error {
  override readonly name = 'AgentNotRunningError';
}

/** Asks the running agent for its status over the local endpoint. */
export function readAgentStatus(endpoint: string, timeoutMs = 5_000): Promise<AgentStatus> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: endpoint, path: '/status', method: 'GET', timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`the agent answered HTTP ${res.statusCode}`));
        resolve(JSON.parse(body) as AgentStatus);
      });
    });
    req.on('timeout', () => req.destroy(new Error(`the agent did not answer within ${timeoutMs} ms`)));
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') reject(new AgentNotRunningError(`no agent is running for this home (nothing answers at ${endpoint}); start it with \`mlc-agent run\` or the service`));
      else reject(err);
    });
    req.end();
  });
}
