/**
 * The HTTP API on the seed's day: a time-skipping server whose clock starts on 2017-01-03 09:00
 * CST, the worker and API on it, and the named demo people signed in. Registers its own Jest
 * hooks; `as(who)` sends requests as that person (with extra headers, e.g. On-Behalf-Of).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { SEED_MORNING, untilChinaTime } from './seed-case';
import { signIn, startStack, type Stack } from './stack';
import { startTimeSkippingServer } from './temporal';

export function useSeedDayApi(
  usernames: string[],
  opts: { listen?: boolean; classifiedAccredited?: boolean } = {},
) {
  let env!: TestWorkflowEnvironment;
  let stack!: Stack;
  let server: Server | undefined;
  let baseUrl = '';
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    env = await startTimeSkippingServer({ startAt: SEED_MORNING });
    stack = await startStack(env, { classifiedAccredited: opts.classifiedAccredited ?? false });
    for (const who of usernames) tokens[who] = await signIn(stack.app, who);
    if (opts.listen) {
      // For a browser: the app on a real port.
      server = stack.app.listen(0, '127.0.0.1');
      await new Promise((resolve) => server!.once('listening', resolve));
      baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    }
  });

  afterAll(async () => {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    await stack?.stop();
    await env?.teardown();
  });

  const as = (who: string, headers: Record<string, string> = {}) => {
    const auth = { Authorization: `Bearer ${tokens[who]}`, ...headers };
    return {
      post: (url: string, body: object = {}) => request(stack.app).post(url).set(auth).send(body),
      put: (url: string, body: object) => request(stack.app).put(url).set(auth).send(body),
      get: (url: string) => request(stack.app).get(url).set(auth),
      upload: (fileName: string, content: Buffer) =>
        request(stack.app)
          .post(`/api/attachments?fileName=${encodeURIComponent(fileName)}`)
          .set(auth)
          .set('Content-Type', 'application/octet-stream')
          .send(content),
      /** A file, as the bytes sent, whatever its type. */
      download: (url: string) =>
        request(stack.app)
          .get(url)
          .set(auth)
          .buffer(true)
          .parse((res, done) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => done(null, Buffer.concat(chunks)));
          }),
    };
  };

  return {
    get env() {
      return env;
    },
    get stack() {
      return stack;
    },
    /** With `listen`: where the app answers, e.g. http://127.0.0.1:41234. */
    get baseUrl() {
      return baseUrl;
    },
    as,
    /** Lets workflow time run until a China Standard Time moment, e.g. '2017-01-15T10:00'. */
    until: async (cst: string) => env.sleep(await untilChinaTime(env, cst)),
  };
}
