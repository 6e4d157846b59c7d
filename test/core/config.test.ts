/** Settings are read in one place; a bad one stops start-up with its name. */
import path from 'node:path';
import { ConfigError, loadConfig } from '../../core/config';

test('defaults run everything on this machine with the embedded dev server', () => {
  const config = loadConfig({});
  expect(config).toMatchObject({
    dataDir: path.resolve('data'),
    databaseUrl: `file:${path.resolve('data', 'duban.db')}`,
    api: { host: '127.0.0.1', port: 3000 },
    temporal: {
      externalAddress: undefined,
      address: '127.0.0.1:7233',
      namespace: 'default',
      taskQueue: 'duban',
      tls: undefined,
      devPort: 7233,
      uiPort: 8233,
    },
    workerLivenessSeconds: 90,
    workerTuning: { cachedWorkflows: 500, stackFrames: 4, stickyTimeoutSeconds: 30, workflowThreads: 1 },
    sessionTtlHours: 12,
    sessionIdleMinutes: 30,
  });
});

test('SESSION_IDLE_MINUTES sets how long an unused session lives', () => {
  expect(loadConfig({ SESSION_IDLE_MINUTES: '10' }).sessionIdleMinutes).toBe(10);
});

test('TEMPORAL_ADDRESS, namespace and API key point the same code at an existing cluster over TLS', () => {
  const config = loadConfig({
    TEMPORAL_ADDRESS: 'duban.a1b2c.tmprl.cloud:7233',
    TEMPORAL_NAMESPACE: 'duban.a1b2c',
    TEMPORAL_API_KEY: 'secret',
  });
  expect(config.temporal).toMatchObject({
    externalAddress: 'duban.a1b2c.tmprl.cloud:7233',
    address: 'duban.a1b2c.tmprl.cloud:7233',
    namespace: 'duban.a1b2c',
    apiKey: 'secret',
    tls: {},
  });
});

test('an empty variable counts as unset', () => {
  expect(loadConfig({ TEMPORAL_ADDRESS: '', API_PORT: '' }).temporal.externalAddress).toBeUndefined();
});

test.each([
  [{ API_PORT: 'three thousand' }, 'API_PORT'],
  [{ API_PORT: '70000' }, 'API_PORT'],
  [{ TEMPORAL_ADDRESS: 'no-port-here' }, 'TEMPORAL_ADDRESS'],
  [{ TEMPORAL_TLS: 'maybe' }, 'TEMPORAL_TLS'],
  [{ TEMPORAL_TLS_CA_PATH: '/no/such/ca.pem', TEMPORAL_ADDRESS: 'x:7233' }, 'TEMPORAL_TLS_CA_PATH'],
  [{ TEMPORAL_TLS_CERT_PATH: __filename, TEMPORAL_ADDRESS: 'x:7233' }, 'TEMPORAL_TLS_KEY_PATH'],
  [{ TEMPORAL_API_KEY: 'k' }, 'TEMPORAL_ADDRESS'],
  [{ DATABASE_URL: 'postgres://db/duban' }, 'DATABASE_URL'],
  [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
  [{ API_PORT: '7233' }, 'TEMPORAL_DEV_PORT'],
  [{ SESSION_IDLE_MINUTES: '0' }, 'SESSION_IDLE_MINUTES'],
  [{ WORKER_STICKY_TIMEOUT_SECONDS: '0' }, 'WORKER_STICKY_TIMEOUT_SECONDS'],
  [{ WORKER_CACHED_WORKFLOWS: '10' }, 'WORKER_CACHED_WORKFLOWS'],
  [{ SESSION_IDLE_MINUTES: 'half an hour' }, 'SESSION_IDLE_MINUTES'],
])('%j is refused, naming %s', (env, variable) => {
  let error: unknown;
  try {
    loadConfig(env);
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).problems.map((p) => p.variable)).toContain(variable);
  expect((error as ConfigError).message).toContain(`${variable}:`);
});
