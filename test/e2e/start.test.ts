/**
 * `npm start` as a new user runs it: every part comes up, the seed directive can be registered
 * through the API, and SIGTERM leaves no process behind.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { ROOT } from '../helpers/paths';
import { freePort, processesMentioning, spawnCommand, type Spawned } from '../helpers/processes';
import { SEED_DIRECTIVE } from '../helpers/stack';
import { startDevServer } from '../helpers/temporal';

jest.setTimeout(240_000);

interface Started {
  dataDir: string;
  api: string;
  uiPort: number;
  devPort: number;
  env: NodeJS.ProcessEnv;
  process: Spawned;
}

async function npmStart(extraEnv: NodeJS.ProcessEnv = {}): Promise<Started> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-start-'));
  const [apiPort, devPort, uiPort] = [await freePort(), await freePort(), await freePort()];
  const env = {
    ...process.env,
    DUBAN_DATA_DIR: dataDir,
    API_PORT: String(apiPort),
    TEMPORAL_DEV_PORT: String(devPort),
    TEMPORAL_UI_PORT: String(uiPort),
    LOG_LEVEL: 'warn',
    ...extraEnv,
  };
  const process_ = spawnCommand(process.execPath, ['dist/start.js'], {
    cwd: ROOT,
    env,
  });
  return { dataDir, api: `http://127.0.0.1:${apiPort}`, uiPort, devPort, env, process: process_ };
}

async function registerSeedDirective(api: string) {
  const login = await fetch(`${api}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'huangweiyan', password: 'duban-demo-2017' }),
  });
  const { token } = (await login.json()) as { token: string };
  return fetch(`${api}/api/directives`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(SEED_DIRECTIVE),
  });
}

test('npm start runs dev server, worker and API; Ctrl-C/SIGTERM stops them all', async () => {
  const started = await npmStart();
  const { process: p, api, dataDir } = started;
  try {
    await p.waitForOutput('duban: ready', 180_000);
    expect(p.output()).toContain(`API            ${api}`);
    expect(p.output()).toContain(`Temporal UI    http://127.0.0.1:${started.uiPort}`);
    expect(p.output()).toContain('huangweiyan'); // the demo accounts, printed on first start

    const health = await fetch(`${api}/health`);
    expect(health.status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${started.uiPort}/`)).status).toBe(200);
    expect(p.output()).toContain(`Duban UI       ${api}/`);
    expect(await (await fetch(`${api}/`)).text()).toContain('<title>督办 Duban</title>');

    const registered = await registerSeedDirective(api);
    expect(registered.status).toBe(201);
    expect(
      ((await registered.json()) as { directive: { receiptNumber: string } }).directive.receiptNumber,
    ).toBe('201700001');
    for (const part of ['temporal', 'app']) {
      expect(fs.existsSync(path.join(dataDir, 'logs', `${part}.log`))).toBe(true);
    }
    expect(fs.existsSync(path.join(dataDir, 'temporal.db'))).toBe(true);
    expect(processesMentioning(dataDir).length).toBeGreaterThan(0);

    // Closed histories are kept a year, so the projection can be rebuilt from them.
    const connection = await Connection.connect({ address: `127.0.0.1:${started.devPort}` });
    try {
      const { config } = await connection.workflowService.describeNamespace({ namespace: 'default' });
      expect(Number(config?.workflowExecutionRetentionTtl?.seconds)).toBe(366 * 86_400);
    } finally {
      await connection.close();
    }
    // `npm run backup` while everything runs: both databases and the attachments.
    const backup = spawnCommand(
      process.execPath,
      ['--import', 'tsx', 'scripts/backup.ts', path.join(dataDir, 'b')],
      {
        cwd: ROOT,
        env: started.env,
      },
    );
    expect(await backup.exited(60_000)).toBe(0);
    expect(backup.output()).toContain('duban.db, temporal.db');
    expect(backup.output()).toContain('1 directive(s)');
  } finally {
    p.child.kill('SIGTERM');
  }
  expect(await p.exited(90_000)).toBe(0);
  expect(p.output()).toContain('duban: stopped');
  expect(processesMentioning(dataDir)).toEqual([]);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('with TEMPORAL_ADDRESS naming an existing cluster', () => {
  let cluster: TestWorkflowEnvironment;
  beforeAll(async () => {
    cluster = await startDevServer();
  });
  afterAll(async () => {
    await cluster?.teardown();
  });

  test('npm start runs no dev server; worker and API use the cluster', async () => {
    const { process: p, api, dataDir } = await npmStart({ TEMPORAL_ADDRESS: cluster.address });
    try {
      await p.waitForOutput('duban: ready', 180_000);
      expect(p.output()).toContain(`using the Temporal cluster at ${cluster.address}`);
      expect(p.output()).not.toContain('Temporal UI');
      expect(fs.existsSync(path.join(dataDir, 'temporal.db'))).toBe(false);
      expect((await fetch(`${api}/health`)).status).toBe(200);
    } finally {
      p.child.kill('SIGTERM');
    }
    expect(await p.exited(60_000)).toBe(0);
    // Stopping Duban leaves the cluster alone.
    await expect(cluster.client.workflowService.getSystemInfo({})).resolves.toBeDefined();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});

test('a bad setting stops npm start before anything starts, naming the variable', async () => {
  const { process: p, dataDir } = await npmStart({ API_PORT: 'three thousand' });
  expect(await p.exited(60_000)).toBe(78);
  expect(p.output()).toMatch(/API_PORT: .*number/);
  expect(fs.existsSync(path.join(dataDir, 'temporal.db'))).toBe(false);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('without Go, the CLI installer says what to install or how to use an existing cluster', async () => {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'duban-cache-'));
  const p = spawnCommand('bash', ['scripts/install-temporal-cli.sh'], {
    cwd: ROOT,
    env: { PATH: '/usr/bin:/bin', HOME: os.homedir(), DUBAN_CACHE_DIR: cache },
  });
  expect(await p.exited(30_000)).toBe(1);
  expect(p.output()).toContain('Go 1.25 or newer is needed');
  expect(p.output()).toContain('TEMPORAL_ADDRESS');
  fs.rmSync(cache, { recursive: true, force: true });
});
