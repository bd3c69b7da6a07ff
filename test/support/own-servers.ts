// Servers of one test file only (own ports, own data), so that stopping or restarting them for a fault
// disturbs no other test file of the run: a FerretDB and a Temporal dev server.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Env } from '../../common/env';
import { mongoAnswers } from '../../stack/ferretdb';
import { adminUrl } from '../../stack/postgres';
import type { Service } from '../../stack/service';
import { temporalService } from '../../stack/temporal';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** A FerretDB of this test only (own port, own PostgreSQL database), so stopping it disturbs nobody. */
export class OwnFerretDb {
  private process?: ChildProcess;
  private readonly stateDir = mkdtempSync(path.join(os.tmpdir(), 'own-ferretdb-'));

  constructor(
    private readonly env: Env,
    private readonly database: string,
    readonly port: number,
  ) {}

  get uri(): string {
    return `mongodb://127.0.0.1:${this.port}/`;
  }

  async start(): Promise<void> {
    const binary = path.join(this.env.STACK_TOOLS_DIR, 'bin', 'ferretdb');
    this.process = spawn(
      binary,
      [
        `--listen-addr=127.0.0.1:${this.port}`,
        '--handler=postgresql',
        '--telemetry=disable',
        '--debug-addr=127.0.0.1:0',
        `--state-dir=${this.stateDir}`,
        '--log-level=error',
      ],
      { env: { ...process.env, FERRETDB_POSTGRESQL_URL: adminUrl(this.env, this.database) }, stdio: 'ignore' },
    );
    for (let i = 0; i < 100; i++) {
      if (await mongoAnswers(this.uri).catch(() => false)) return;
      await sleep(100);
    }
    throw new Error(`FerretDB did not answer on port ${this.port}`);
  }

  /** SIGKILL: the server vanishes mid-command, as in a crash. */
  async kill(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async dispose(): Promise<void> {
    await this.kill();
    rmSync(this.stateDir, { recursive: true, force: true });
  }
}

export interface OwnTemporal {
  /** The test stack's environment with this server's address and ports. */
  env: Env;
  service: Service;
}

/**
 * A Temporal dev server of this test only, persisted to its own file under the test stack's data folder
 * (`<STACK_DATA_DIR>/own-temporal/<name>`), on free ports: restarting it leaves the shared one alone.
 */
export async function ownTemporal(base: Env, name: string): Promise<OwnTemporal> {
  const [grpc, ui] = [await freePort(), await freePort()];
  const dataDir = path.join(base.STACK_DATA_DIR, 'own-temporal', name);
  rmSync(dataDir, { recursive: true, force: true });
  const env: Env = {
    ...base,
    STACK_DATA_DIR: dataDir,
    STACK_TEMPORAL_PORT: grpc,
    STACK_TEMPORAL_UI_PORT: ui,
    TEMPORAL_ADDRESS: `${base.STACK_HOST}:${grpc}`,
    TEMPORAL_UI_URL: `http://${base.STACK_HOST}:${ui}`,
  };
  const service = temporalService(env);
  await service.start();
  return { env, service };
}

/**
 * A TCP gate in front of a server: closed, its port refuses connections (ECONNREFUSED, as a database that is
 * down or unreachable); open, it forwards every connection to `upstream`.
 */
export class PortGate {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();

  constructor(
    readonly port: number,
    private readonly upstream: { host: string; port: number },
  ) {}

  async open(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.upstream);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.once('close', () => this.sockets.delete(socket));
        socket.on('error', () => [client, upstream].forEach((s) => s.destroy()));
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(this.port, '127.0.0.1', resolve));
    this.server = server;
  }

  /** Stops listening and cuts every connection through it. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.sockets.forEach((socket) => socket.destroy());
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** `url` with its port replaced (a connection URL through a PortGate). */
export function withPort(url: string, port: number): string {
  const parsed = new URL(url);
  parsed.port = String(port);
  return parsed.toString();
}
