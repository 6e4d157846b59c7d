/**
 * The benchmarks' HTTP client: the people's side of `npm run bench` and of the scale loader, both
 * of which share their process with Duban's API and workers.
 */
import { setMaxListeners } from 'node:events';
import http from 'node:http';

export interface Answer {
  status: number;
  text: string;
}

/** Below the server's keep-alive timeout (Node's default, 5 s). */
const IDLE_CONNECTION_MS = 4_000;

/**
 * Requests over kept-alive connections by node:http, not fetch: fetch (undici over web streams,
 * with an AbortSignal.any per request) took about 5 % of the bench process's busy time in a
 * profile (12-02), CPU that the figures would otherwise count against Duban. The timeout is the
 * socket's idle time: an answer that stalls for `timeoutMs` fails the request; `signal` stops all.
 */
export class KeptAliveHttp {
  /**
   * An idle connection is closed by this side after 4 s, before the API's server closes it at its
   * keep-alive timeout (Node's 5 s): a person who paused longer (`--think-ms`) would otherwise send
   * on a connection the server was closing at that moment, and get "socket hang up".
   */
  private readonly agent = new http.Agent({ keepAlive: true, timeout: IDLE_CONNECTION_MS });

  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs: number,
    private readonly signal: AbortSignal,
  ) {
    // Each request in flight listens on it: 50 lanes are 50 listeners, not a leak.
    setMaxListeners(0, signal);
  }

  /** Closes the kept-alive connections, so nothing is left to keep a thread running. */
  close(): void {
    this.agent.destroy();
  }

  send(method: string, url: string, headers: Record<string, string>, body?: string): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        this.baseUrl + url,
        { method, headers, agent: this.agent, timeout: this.timeoutMs, signal: this.signal },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }),
          );
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }
}
