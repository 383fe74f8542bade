import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import pg from 'pg';

/** A PostgreSQL server of this test file's own, on a private port, with a fresh database per call of `database`. */
export interface PostgresServer {
  /** A new, empty database on the server; its URL. */
  database(): Promise<string>;
  /** Closed before the server stops, so no connection outlives it. */
  closeAtEnd(closable: { close(): Promise<void> }): void;
}

/**
 * Starts a real PostgreSQL server (Debian's binaries, which `.ci/run` installs) for one test
 * file: a new cluster in a temporary directory, on a free loopback port, trusting local
 * connections; stopped and removed after the file. Nothing is skipped without it: the tests
 * that call this fail, saying what is missing.
 */
export function postgresServer(): PostgresServer {
  let cluster: PostgresCluster | undefined;
  const closables: Array<{ close(): Promise<void> }> = [];
  before(async () => {
    cluster = await startPostgresCluster();
  });
  after(async () => {
    await Promise.all(closables.map((c) => c.close().catch(() => undefined)));
    await cluster?.stop();
  });
  return {
    database() {
      if (!cluster) throw new Error('the PostgreSQL server did not start');
      return cluster.database();
    },
    closeAtEnd(closable) {
      closables.push(closable);
    },
  };
}

/** A private PostgreSQL server (see postgresServer), for a benchmark as for tests. */
export interface PostgresCluster {
  /** A new, empty database; its URL. */
  database(): Promise<string>;
  stop(): Promise<void>;
}

/** `durable`: the server flushes each commit to the disk, as a real one does (tests go faster without). */
export async function startPostgresCluster(options: { durable?: boolean } = {}): Promise<PostgresCluster> {
  const { port, child, dir } = await start(options.durable ?? false);
  let databases = 0;
  return {
    async database() {
      const name = `headroom_test_${++databases}`;
      const admin = new pg.Client({ connectionString: urlOf(port, 'postgres') });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      return urlOf(port, name);
    },
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const USER = 'headroom';
const urlOf = (port: number, database: string) => `postgres://${USER}@127.0.0.1:${port}/${database}`;

/** Where the server's binaries are: HEADROOM_POSTGRES_BIN, else Debian's newest version. */
function binaries(): string {
  const configured = process.env.HEADROOM_POSTGRES_BIN;
  if (configured) return configured;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0)
    throw new Error(
      'PostgreSQL is not installed: the team store tests need its server (on Debian: apt-get install postgresql, as .ci/run does; elsewhere set HEADROOM_POSTGRES_BIN to the directory holding initdb and postgres).',
    );
  return join(root, versions[0], 'bin');
}

/** PostgreSQL refuses to run as root: then the cluster belongs to the postgres user (or nobody). */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const passwd = readFileSync('/etc/passwd', 'utf8').split('\n');
  const entry =
    passwd.find((line) => line.startsWith('postgres:')) ?? passwd.find((line) => line.startsWith('nobody:'));
  if (!entry) throw new Error('running as root, and neither a postgres nor a nobody user exists to run PostgreSQL as');
  const [, , uid, gid] = entry.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

async function start(durable: boolean): Promise<{ port: number; child: ChildProcess; dir: string }> {
  const bin = binaries();
  const user = serverUser();
  const dir = mkdtempSync(join(tmpdir(), 'headroom-pg-'));
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  const init = spawnSync(
    join(bin, 'initdb'),
    ['-D', data, '-U', USER, '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions'],
    { ...user, encoding: 'utf8' },
  );
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.error?.message}`);
  const port = await freePort();
  const child = spawn(
    join(bin, 'postgres'),
    [
      '-D',
      data,
      '-p',
      String(port),
      '-k',
      dir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `fsync=${durable ? 'on' : 'off'}`,
    ],
    { ...user, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4_000)));
  // A test process that dies takes its server with it.
  const stop = () => child.kill('SIGKILL');
  process.once('exit', stop);
  child.once('exit', () => process.off('exit', stop));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const client = new pg.Client({ connectionString: urlOf(port, 'postgres') });
    try {
      await client.connect();
      await client.end();
      return { port, child, dir };
    } catch (error) {
      await client.end().catch(() => undefined);
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`PostgreSQL did not start (${(error as Error).message}): ${log}`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
