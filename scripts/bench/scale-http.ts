/**
 * The scale loader's HTTP client (scripts/bench/scale.ts): signs people in as the browser does and
 * sends each request over a kept-alive connection with a timeout (bench/http-client.ts), timing the ones that answer as expected. A write step carries
 * an Idempotency-Key, so a 503 `step_pending` (no answer from the workflow within the API's bounded
 * wait) is sent again with the same key and returns the step's own answer, never acting twice.
 */
import { performance } from 'node:perf_hooks';
import { DEMO_PASSWORD } from '../demo-organisation';
import { KeptAliveHttp } from './http-client';

const REQUEST_TIMEOUT_MS = 120_000;
/** A step still pending after this many tries is a failure. */
const STEP_PENDING_TRIES = 4;
const STEP_PENDING_PAUSE_MS = 2_000;

export type Json = Record<string, unknown>;

/** A request that did not answer as expected, named by its label. */
export class RequestFailure extends Error {
  constructor(
    readonly label: string,
    message: string,
  ) {
    super(`${label}: ${message}`);
  }
}

/** Latencies per label (only answers as expected), failures, and 503 retries. */
export class Recorder {
  readonly latencies = new Map<string, number[]>();
  readonly failures: string[] = [];
  retries = 0;

  record(label: string, ms: number): void {
    const list = this.latencies.get(label) ?? [];
    list.push(ms);
    this.latencies.set(label, list);
  }

  fail(what: string, err: unknown): void {
    this.failures.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

interface Call {
  label: string;
  who?: string;
  method: 'GET' | 'POST' | 'PUT';
  url: string;
  body?: object;
  expected?: number;
  /** Makes a write step safe to send again (api/requests.ts updateIdOf). */
  idempotencyKey?: string;
}

export class ScaleApi {
  private readonly tokens = new Map<string, string>();
  private readonly http: KeptAliveHttp;

  constructor(
    baseUrl: string,
    readonly recorder: Recorder,
    abort: AbortSignal,
  ) {
    this.http = new KeptAliveHttp(baseUrl, REQUEST_TIMEOUT_MS, abort);
  }

  /** Signs in once (the demo password unless told), as a person would for a day's work. */
  async signIn(username: string, password = DEMO_PASSWORD): Promise<void> {
    const body = await this.send({
      label: 'sign-in',
      method: 'POST',
      url: '/api/auth/login',
      body: { username, password },
    });
    this.tokens.set(username, body.token as string);
  }

  /** 修改密码: an account the administrator made must choose its own before anything else. */
  async changePassword(username: string, currentPassword: string, newPassword: string): Promise<void> {
    await this.send({
      label: 'password',
      who: username,
      method: 'POST',
      url: '/api/auth/password',
      body: { currentPassword, newPassword },
    });
  }

  get(label: string, who: string, url: string): Promise<Json> {
    return this.send({ label, who, method: 'GET', url });
  }

  /** A write; with an idempotency key a 503 step_pending is sent again with the same key. */
  async write(call: Omit<Call, 'method'> & { method?: 'POST' | 'PUT' }): Promise<Json> {
    const started = performance.now();
    for (let attempt = 1; ; attempt++) {
      try {
        const answer = await this.send({ method: 'POST', ...call }, false);
        this.recorder.record(call.label, performance.now() - started);
        return answer;
      } catch (err) {
        const pending = err instanceof StepPending && call.idempotencyKey && attempt < STEP_PENDING_TRIES;
        if (!pending) throw err;
        this.recorder.retries++;
        await new Promise((r) => setTimeout(r, STEP_PENDING_PAUSE_MS));
      }
    }
  }

  private async send(call: Call, timed = true): Promise<Json> {
    const { label, who, method, url, body, expected = method === 'GET' ? 200 : undefined } = call;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (who) headers.authorization = `Bearer ${this.tokens.get(who)}`;
    if (call.idempotencyKey) headers['idempotency-key'] = call.idempotencyKey;
    const started = performance.now();
    const { status, text } = await this.http
      .send(method, url, headers, body && JSON.stringify(body))
      .catch((err: unknown) => {
        throw new RequestFailure(
          label,
          `${method} ${url}: ${err instanceof Error ? err.message : String(err)}`,
        );
      });
    const ms = performance.now() - started;
    const ok = expected === undefined ? status >= 200 && status < 300 : status === expected;
    if (status === 503 && text.includes('step_pending')) throw new StepPending(label, text);
    if (!ok) throw new RequestFailure(label, `${method} ${url} → ${status} ${text.slice(0, 500)}`);
    if (timed) this.recorder.record(label, ms);
    return JSON.parse(text) as Json;
  }
}

/** The API's 503: the workflow gave no answer within its bounded wait (api/updates.ts). */
class StepPending extends RequestFailure {}
