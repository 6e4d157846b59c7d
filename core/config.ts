/**
 * Every setting Duban reads, in one place. Each comes from an environment variable with a
 * documented default (README, "Settings"); a bad value stops start-up with a message that
 * names the variable, rather than failing later somewhere less obvious.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { EncryptionKeys } from './payload-codec';

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; reason: string }[]) {
    super('Invalid configuration:\n' + problems.map((p) => `  ${p.variable}: ${p.reason}`).join('\n'));
    this.name = 'ConfigError';
  }
}

const port = z.coerce.number().int().min(1).max(65535);
const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const existingFile = z.string().refine((p) => fs.existsSync(p), { message: 'file does not exist' });
const hostPort = z
  .string()
  .regex(/^[A-Za-z0-9.[\]:-]+:\d{1,5}$/, { message: 'must be host:port, e.g. temporal.example.org:7233' });
const keyId = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, { message: 'must be a key id of letters, digits, ".", "_" or "-"' });
/**
 * `k2026:<base64>,k2025:<base64>`: each key 32 random bytes (`openssl rand -base64 32`). The
 * messages name the key id, never the key.
 */
const payloadKeys = z.string().transform((text, ctx) => {
  const keys: Record<string, Buffer> = {};
  const refuse = (message: string) => {
    ctx.issues.push({ code: 'custom', message, input: text });
    return z.NEVER;
  };
  for (const [i, entry] of text.split(',').entries()) {
    const [id = '', material = '', ...rest] = entry.trim().split(':');
    if (!keyId.safeParse(id).success || rest.length || !/^[A-Za-z0-9+/]+={0,2}$/.test(material)) {
      return refuse(
        `entry ${i + 1} must be <key id>:<base64 of 32 bytes>, e.g. k2026:$(openssl rand -base64 32)`,
      );
    }
    if (keys[id]) return refuse(`key id ${id} appears twice`);
    const key = Buffer.from(material, 'base64');
    if (key.length !== 32) return refuse(`key ${id} is ${key.length} bytes; AES-256 needs exactly 32`);
    keys[id] = key;
  }
  return keys;
});
const origins = z
  .string()
  .transform((text) => text.split(',').map((o) => o.trim()))
  .refine((list) => list.every((o) => URL.canParse(o) && new URL(o).origin === o), {
    message: 'must be origins separated by commas, e.g. http://127.0.0.1:8233 (scheme, host, port; no path)',
  });

/** The worker's sticky cache by default (README, Performance: what a cached workflow costs). */
export const DEFAULT_CACHED_WORKFLOWS = 500;
/**
 * Below this the steps in flight evict one another: a 转办 wakes its directive and 21 task
 * workflows at once. With 0 or 1 (the SDK makes it 2) every 登记 of the scale loader's 8 lanes timed
 * out, with 10 updates stalled 10 s; with 100 none did (README, Performance).
 */
export const MIN_CACHED_WORKFLOWS = 100;

/**
 * The worker process's V8 heap limit per isolate (`node --max-old-space-size`, set where the process
 * starts: README, "Running as services"). Without one, V8 on a large machine lets garbage grow to
 * hundreds of megabytes before it collects: 825 MB after 10 000 tasks were loaded, 462 MB with
 * this limit (README, Performance). It holds the default cache; a larger cache needs about 0.2 MB
 * more per workflow.
 */
export const WORKER_HEAP_LIMIT_MB = 192;
/**
 * Stack frames kept per stack trace in workflow code. The SDK's promise hook takes a source-mapped
 * stack trace of every promise a workflow creates (for the stack-trace query), and its cost grows
 * with the frames: V8's default of 10 made it a quarter of the workflow thread's time.
 */
export const DEFAULT_WORKFLOW_STACK_FRAMES = 4;
/**
 * How long a workflow task waits on the worker's own (sticky) queue before the server hands it to
 * any worker with the whole history. The SDK's 10 s is shorter than a 09:00 burst's backlog: each
 * reminder still queued past it took a second workflow task with the whole history, about half of
 * 1 000 (README, Performance: p99 16–20 s waiting with 30 or 60 s, and none handed again). The
 * price: a workflow task already queued for a worker that dies waits this long for another.
 */
export const DEFAULT_STICKY_TIMEOUT_SECONDS = 30;

/** How the worker runs workflows: the WORKER_* settings below (README, Performance: each one's figures). */
export interface WorkerTuning {
  /** WORKER_CACHED_WORKFLOWS: the sticky cache's size. */
  cachedWorkflows: number;
  /** WORKER_STACK_FRAMES: frames per stack trace in workflow code. */
  stackFrames: number;
  /** WORKER_STICKY_TIMEOUT_SECONDS: a workflow task's wait on the worker's sticky queue. */
  stickyTimeoutSeconds: number;
  /** WORKER_WORKFLOW_THREADS: threads running workflow code. */
  workflowThreads: number;
}

export const DEFAULT_WORKER_TUNING: WorkerTuning = {
  cachedWorkflows: DEFAULT_CACHED_WORKFLOWS,
  stackFrames: DEFAULT_WORKFLOW_STACK_FRAMES,
  stickyTimeoutSeconds: DEFAULT_STICKY_TIMEOUT_SECONDS,
  workflowThreads: 1,
};

/** The tuning as a worker process reads it from its environment (scripts that start one). */
export const workerTuningEnv = (t: WorkerTuning): Record<string, string> => ({
  WORKER_CACHED_WORKFLOWS: String(t.cachedWorkflows),
  WORKER_STACK_FRAMES: String(t.stackFrames),
  WORKER_STICKY_TIMEOUT_SECONDS: String(t.stickyTimeoutSeconds),
  WORKER_WORKFLOW_THREADS: String(t.workflowThreads),
});

const envSchema = z.object({
  DUBAN_DATA_DIR: z.string().min(1).default('data'),
  DATABASE_URL: z
    .string()
    .regex(/^file:.+/, { message: 'must be a SQLite file URL, e.g. file:./data/duban.db' })
    .optional(),
  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: port.default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SESSION_TTL_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 30)
    .default(12),
  /** A session unused this long ends, whatever its SESSION_TTL_HOURS. */
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  /** The largest attachment (附件) accepted, in megabytes. */
  ATTACHMENT_MAX_MB: z.coerce.number().positive().max(500).default(20),

  TEMPORAL_ADDRESS: hostPort.optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('duban'),
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  TEMPORAL_TLS: flag.optional(),
  TEMPORAL_TLS_CERT_PATH: existingFile.optional(),
  TEMPORAL_TLS_KEY_PATH: existingFile.optional(),
  TEMPORAL_TLS_CA_PATH: existingFile.optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  /** Payload encryption keys; unset leaves payloads in clear in Temporal (development only). */
  PAYLOAD_KEYS: payloadKeys.optional(),
  /** The key among PAYLOAD_KEYS that new payloads are encrypted with. */
  PAYLOAD_KEY_ID: keyId.optional(),
  /** Browser origins (the Temporal Web UI's) allowed to call the API's /codec endpoint. */
  CODEC_CORS_ORIGINS: origins.optional(),

  TEMPORAL_DEV_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  /** How long a poller may stay silent before /health calls the worker down. */
  WORKER_LIVENESS_SECONDS: z.coerce.number().int().min(1).max(3600).default(90),
  /**
   * Workflows the worker keeps in memory between their tasks (the sticky cache). One evicted is
   * replayed from its history at its next task; every open department task is a workflow, so the
   * cache, not the number of tasks, bounds the worker's memory.
   */
  WORKER_CACHED_WORKFLOWS: z.coerce
    .number()
    .int()
    .min(MIN_CACHED_WORKFLOWS)
    .max(100_000)
    .default(DEFAULT_CACHED_WORKFLOWS),
  /**
   * Frames in a stack trace taken in workflow code (the stack-trace query's, a workflow error's).
   * Fewer is cheaper for every promise a workflow creates; a workflow task's failure then names
   * the innermost frames only (replay its history for the rest).
   */
  WORKER_STACK_FRAMES: z.coerce.number().int().min(0).max(100).default(DEFAULT_WORKFLOW_STACK_FRAMES),
  /**
   * Seconds a workflow task waits for this worker (which holds the workflow in its cache) before
   * any worker may take it, replaying the whole history. Longer rides out a backlog; shorter hands
   * a dead worker's workflows on sooner.
   */
  WORKER_STICKY_TIMEOUT_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(3600)
    .default(DEFAULT_STICKY_TIMEOUT_SECONDS),
  /**
   * Threads running workflow code, each with a V8 isolate of its own; a workflow stays on the
   * thread that first ran it. A second did not pay on 2 CPUs (README, Performance): the dev server
   * and the worker's main thread already keep both busy in a burst.
   */
  WORKER_WORKFLOW_THREADS: z.coerce
    .number()
    .int()
    .min(1)
    .max(16)
    .default(DEFAULT_WORKER_TUNING.workflowThreads),
  /** How long a step waits for its workflow update before answering 503 with Retry-After. */
  STEP_WAIT_SECONDS: z.coerce.number().int().min(1).max(300).default(30),
  /**
   * A production start: no demo organisation is loaded, the demo password never signs anyone in,
   * and when no administrator exists one is made with a generated password, printed once.
   */
  DUBAN_PRODUCTION: flag.default(false),
  /**
   * Whether this deployment runs on a network accredited for classified documents (涉密信息系统).
   * Off: a registration marked 秘密/机密/绝密 is refused (such documents go through the 机要 channel).
   */
  CLASSIFIED_ACCREDITED: flag.default(false),

  /** Notices by e-mail: the SMTP server (smtp:// with STARTTLS when offered, smtps:// for TLS). */
  SMTP_URL: z
    .string()
    .refine((u) => URL.canParse(u) && ['smtp:', 'smtps:'].includes(new URL(u).protocol), {
      message: 'must be an smtp:// or smtps:// URL, e.g. smtp://user:password@mail.example.org:587',
    })
    .optional(),
  /** The sender of notice e-mails, e.g. "督办系统 <duban@example.org>". */
  SMTP_FROM: z.string().min(3).optional(),
  /** Notices as signed webhook calls: where each notice is POSTed. */
  WEBHOOK_URL: z
    .string()
    .refine((u) => URL.canParse(u) && ['http:', 'https:'].includes(new URL(u).protocol), {
      message: 'must be an http:// or https:// URL',
    })
    .optional(),
  /** The shared secret of the webhook's HMAC-SHA256 signature. */
  WEBHOOK_SECRET: z
    .string()
    .min(32, { message: 'must be at least 32 characters (openssl rand -hex 32)' })
    .optional(),
  /** Attempts of one e-mail or webhook delivery before it is given up (the inbox has the notice). */
  NOTICE_CHANNEL_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(10),
});

export interface TlsSettings {
  certPath?: string;
  keyPath?: string;
  caPath?: string;
  serverName?: string;
}

export interface Config {
  dataDir: string;
  databaseUrl: string;
  api: { host: string; port: number };
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  sessionTtlHours: number;
  sessionIdleMinutes: number;
  attachments: { dir: string; maxBytes: number };
  temporal: {
    /** Undefined means: run the embedded dev server (`npm start`) at 127.0.0.1:devPort. */
    externalAddress?: string;
    address: string;
    namespace: string;
    taskQueue: string;
    apiKey?: string;
    tls?: TlsSettings;
    devPort: number;
    uiPort: number;
    /** Undefined: payloads go to Temporal in clear (development only). */
    payloadEncryption?: EncryptionKeys;
  };
  /** Origins whose pages may call /codec with the operator's credentials (CODEC_CORS_ORIGINS). */
  codecCorsOrigins: string[];
  workerLivenessSeconds: number;
  workerTuning: WorkerTuning;
  stepWaitSeconds: number;
  /** DUBAN_PRODUCTION: no demo organisation, the demo password refused, an administrator bootstrapped. */
  production: boolean;
  /** Classified (涉密) documents may be registered, read by people cleared to their level. */
  classifiedAccredited: boolean;
  /** Channels beyond the in-app inbox; each unset when not configured. */
  notices: NoticeChannelSettings;
}

export interface NoticeChannelSettings {
  email?: { smtpUrl: string; from: string };
  webhook?: { url: string; secret: string };
  /** Attempts of one delivery before it is recorded FAILED and the workflow goes on. */
  attempts: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable means "not set", as a shell user expects from `FOO= npm start`.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => ({ variable: String(i.path[0]), reason: i.message })),
    );
  }
  const e = parsed.data;
  const problems: { variable: string; reason: string }[] = [];
  if (Boolean(e.TEMPORAL_TLS_CERT_PATH) !== Boolean(e.TEMPORAL_TLS_KEY_PATH)) {
    problems.push({
      variable: e.TEMPORAL_TLS_CERT_PATH ? 'TEMPORAL_TLS_KEY_PATH' : 'TEMPORAL_TLS_CERT_PATH',
      reason: 'a client certificate needs both TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH',
    });
  }
  if (e.TEMPORAL_TLS === false && (e.TEMPORAL_TLS_CERT_PATH || e.TEMPORAL_TLS_CA_PATH)) {
    problems.push({ variable: 'TEMPORAL_TLS', reason: 'is false but TLS certificate paths are set' });
  }
  const tlsWanted =
    e.TEMPORAL_TLS ?? Boolean(e.TEMPORAL_TLS_CERT_PATH || e.TEMPORAL_TLS_CA_PATH || e.TEMPORAL_API_KEY);
  if (tlsWanted && !e.TEMPORAL_ADDRESS) {
    problems.push({
      variable: 'TEMPORAL_ADDRESS',
      reason: 'TLS or an API key is set, but no cluster address; the embedded dev server speaks plain gRPC',
    });
  }
  if (e.API_PORT === e.TEMPORAL_DEV_PORT || e.TEMPORAL_UI_PORT === e.TEMPORAL_DEV_PORT) {
    problems.push({ variable: 'TEMPORAL_DEV_PORT', reason: 'clashes with API_PORT or TEMPORAL_UI_PORT' });
  }
  const keyIds = Object.keys(e.PAYLOAD_KEYS ?? {});
  const currentKeyId = e.PAYLOAD_KEY_ID ?? (keyIds.length === 1 ? keyIds[0] : undefined);
  if (e.PAYLOAD_KEY_ID && !e.PAYLOAD_KEYS) {
    problems.push({ variable: 'PAYLOAD_KEY_ID', reason: 'is set but PAYLOAD_KEYS is not' });
  } else if (e.PAYLOAD_KEYS && !currentKeyId) {
    problems.push({
      variable: 'PAYLOAD_KEY_ID',
      reason: `must name the key to encrypt with: PAYLOAD_KEYS holds ${keyIds.join(', ')}`,
    });
  } else if (e.PAYLOAD_KEYS && currentKeyId && !keyIds.includes(currentKeyId)) {
    problems.push({
      variable: 'PAYLOAD_KEY_ID',
      reason: `${currentKeyId} is not among PAYLOAD_KEYS (${keyIds.join(', ')})`,
    });
  }
  if (Boolean(e.SMTP_URL) !== Boolean(e.SMTP_FROM)) {
    problems.push({
      variable: e.SMTP_URL ? 'SMTP_FROM' : 'SMTP_URL',
      reason: 'e-mail notices need both SMTP_URL and SMTP_FROM',
    });
  }
  if (Boolean(e.WEBHOOK_URL) !== Boolean(e.WEBHOOK_SECRET)) {
    problems.push({
      variable: e.WEBHOOK_URL ? 'WEBHOOK_SECRET' : 'WEBHOOK_URL',
      reason: 'webhook notices need both WEBHOOK_URL and WEBHOOK_SECRET (they are signed)',
    });
  }
  if (problems.length) throw new ConfigError(problems);

  const dataDir = path.resolve(e.DUBAN_DATA_DIR);
  return {
    dataDir,
    databaseUrl: e.DATABASE_URL ?? `file:${path.join(dataDir, 'duban.db')}`,
    api: { host: e.API_HOST, port: e.API_PORT },
    logLevel: e.LOG_LEVEL,
    sessionTtlHours: e.SESSION_TTL_HOURS,
    sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
    attachments: {
      dir: path.join(dataDir, 'attachments'),
      maxBytes: Math.round(e.ATTACHMENT_MAX_MB * 1024 * 1024),
    },
    temporal: {
      externalAddress: e.TEMPORAL_ADDRESS,
      address: e.TEMPORAL_ADDRESS ?? `127.0.0.1:${e.TEMPORAL_DEV_PORT}`,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      apiKey: e.TEMPORAL_API_KEY,
      tls: tlsWanted
        ? {
            certPath: e.TEMPORAL_TLS_CERT_PATH,
            keyPath: e.TEMPORAL_TLS_KEY_PATH,
            caPath: e.TEMPORAL_TLS_CA_PATH,
            serverName: e.TEMPORAL_TLS_SERVER_NAME,
          }
        : undefined,
      devPort: e.TEMPORAL_DEV_PORT,
      uiPort: e.TEMPORAL_UI_PORT,
      payloadEncryption: e.PAYLOAD_KEYS && currentKeyId ? { keys: e.PAYLOAD_KEYS, currentKeyId } : undefined,
    },
    // The embedded dev server's Web UI, under either name a browser may use for it.
    codecCorsOrigins:
      e.CODEC_CORS_ORIGINS ??
      (e.TEMPORAL_ADDRESS
        ? []
        : [`http://127.0.0.1:${e.TEMPORAL_UI_PORT}`, `http://localhost:${e.TEMPORAL_UI_PORT}`]),
    workerLivenessSeconds: e.WORKER_LIVENESS_SECONDS,
    workerTuning: {
      cachedWorkflows: e.WORKER_CACHED_WORKFLOWS,
      stackFrames: e.WORKER_STACK_FRAMES,
      stickyTimeoutSeconds: e.WORKER_STICKY_TIMEOUT_SECONDS,
      workflowThreads: e.WORKER_WORKFLOW_THREADS,
    },
    stepWaitSeconds: e.STEP_WAIT_SECONDS,
    production: e.DUBAN_PRODUCTION,
    classifiedAccredited: e.CLASSIFIED_ACCREDITED,
    notices: {
      ...(e.SMTP_URL && e.SMTP_FROM ? { email: { smtpUrl: e.SMTP_URL, from: e.SMTP_FROM } } : {}),
      ...(e.WEBHOOK_URL && e.WEBHOOK_SECRET
        ? { webhook: { url: e.WEBHOOK_URL, secret: e.WEBHOOK_SECRET } }
        : {}),
      attempts: e.NOTICE_CHANNEL_ATTEMPTS,
    },
  };
}

/** For entry points: load the configuration or exit with the message naming the bad setting. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
}
