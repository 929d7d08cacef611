import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface ServerProcess {
  child: ChildProcess;
  /** GraphQL URL the server printed. */
  url: string;
  output(): string;
}

/** Runs the real entry point (`server/src/main.ts`) in a child process and resolves once it prints its URL. */
export function startServerProcess(env: Record<string, string>, timeoutMs = 60_000): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in ${timeoutMs} ms:\n${out}`)), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
    child.stdout!.on('data', () => {
      const m = /GraphQL \(HTTP and WebSocket\): (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, output: () => out });
      }
    });
  });
}

/** SIGTERM, resolving with the exit code. */
export function stopServerProcess(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

/**
 * The operator CLI (`npm run admin -- create-org ...`) against `env`'s database: creates an organisation
 * and its first administrator, the password on standard input. Resolves with what it printed.
 */
export function createOrgWithCli(env: Record<string, string>, org: { name: string; email: string; password: string }): Promise<{ organizationId: string; adminUserId: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, ['--import', 'tsx', 'server/src/cli.ts', 'create-org', '--name', org.name, '--admin-email', org.email], {
      cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn', ...env, ADMIN_PASSWORD: '' },
    }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`create-org failed: ${err.message}\n${stderr}`));
      try {
        resolve(JSON.parse(stdout.trim().split('\n').at(-1)!));
      } catch {
        reject(new Error(`create-org printed no result: ${stdout}\n${stderr}`));
      }
    });
    child.stdin!.on('error', () => undefined); // it may exit (bad arguments) before reading the password
    child.stdin!.end(`${org.password}\n`);
  });
}

/** Signs in over HTTP; resolves with the session token. */
export async function signInOver(url: string, email: string, password: string): Promise<string> {
  const res = await fetch(url, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: 'mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { token } }', variables: { e: email, p: password } }),
  });
  const body = (await res.json()) as { data?: { signIn: { token: string } }; errors?: unknown[] };
  if (!body.data) throw new Error(`sign-in failed: ${JSON.stringify(body.errors)}`);
  return body.data.signIn.token;
}

/** A TCP port free on 127.0.0.1 right now (for a child server that must be restarted on the same port). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
