/**
 * /codec/decode and /codec/encode (Temporal's remote codec protocol) open the ciphertext the
 * Temporal server stores, for the operator (ADMIN) only: by bearer token (the CLI), or by the
 * session cookie from the Temporal Web UI's origin (CODEC_CORS_ORIGINS).
 */
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createEncryptionCodec } from '../../core/payload-codec';
import { directiveWorkflowId } from '../../workflows/definitions';
import { directiveSteps, SEED_MORNING } from '../helpers/seed-case';
import { SEED_DIRECTIVE, signIn, startStack, type Stack } from '../helpers/stack';
import { startTimeSkippingServer } from '../helpers/temporal';

const UI = 'http://127.0.0.1:8233';
const keys = { k2026: randomBytes(32) };
const b64 = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('base64');
const text = (base64: string) => Buffer.from(base64, 'base64').toString('utf8');

/** A payload as the codec protocol carries it: protobuf JSON, every bytes field base64. */
const asJson = (p: temporal.api.common.v1.IPayload) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, b64(v)])),
  data: b64(p.data),
});

let env: TestWorkflowEnvironment;
let stack: Stack;
let admin: string;
let clerk: string;
/** The directive's workflow input as the Temporal server stores it: encrypted. */
let stored: ReturnType<typeof asJson>;

beforeAll(async () => {
  env = await startTimeSkippingServer({ startAt: SEED_MORNING });
  stack = await startStack(env, {
    payloadEncryption: { keys, currentKeyId: 'k2026' },
    codecCorsOrigins: [UI],
  });
  const receiptNumber = await directiveSteps(stack.temporal, stack.taskQueue).register();
  // Read as the Temporal Web UI does: straight from the server, without the codec.
  const history = await env.client.workflow.getHandle(directiveWorkflowId(receiptNumber)).fetchHistory();
  const input = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  stored = asJson(input!);
  [admin, clerk] = await Promise.all([signIn(stack.app, 'admin'), signIn(stack.app, 'huangweiyan')]);
});

afterAll(async () => {
  await stack?.stop();
  await env?.teardown();
});

const decode = (payloads: unknown[]) =>
  request(stack.app).post('/codec/decode').set('X-Namespace', 'default').send({ payloads });

test('the stored payload is ciphertext under key k2026', () => {
  expect(text(stored.metadata.encoding!)).toBe('binary/encrypted');
  expect(text(stored.metadata['encryption-key-id']!)).toBe('k2026');
  expect(text(stored.data)).not.toContain(SEED_DIRECTIVE.title);
});

test('the operator (ADMIN) with a bearer token gets the payload in clear', async () => {
  const res = await decode([stored]).set('Authorization', `Bearer ${admin}`);
  expect(res.status).toBe(200);
  expect(res.headers['cache-control']).toBe('no-store');
  const [payload] = res.body.payloads as { metadata: Record<string, string>; data: string }[];
  expect(text(payload!.metadata.encoding!)).toBe('json/plain');
  expect(JSON.parse(text(payload!.data))).toMatchObject({
    document: { title: SEED_DIRECTIVE.title, docNumber: SEED_DIRECTIVE.docNumber },
  });
});

test('a clerk gets 403, and no token 401', async () => {
  const asClerk = await decode([stored]).set('Authorization', `Bearer ${clerk}`);
  expect(asClerk.status).toBe(403);
  expect(asClerk.body.error).toEqual({
    code: 'forbidden',
    message: '解码服务须由以下角色办理：系统管理员（ADMIN）',
  });
  expect(JSON.stringify(asClerk.body)).not.toContain(SEED_DIRECTIVE.title);
  const anonymous = await decode([stored]);
  expect(anonymous.status).toBe(401);
});

test('the Temporal Web UI: a preflight from its origin is answered, and its credentialed call works', async () => {
  const preflight = await request(stack.app)
    .options('/codec/decode')
    .set('Origin', UI)
    .set('Access-Control-Request-Method', 'POST')
    .set('Access-Control-Request-Headers', 'content-type,x-namespace');
  expect(preflight.status).toBe(204);
  expect(preflight.headers).toMatchObject({
    'access-control-allow-origin': UI,
    'access-control-allow-credentials': 'true',
    'access-control-allow-methods': 'POST',
  });
  expect(preflight.headers['access-control-allow-headers']).toMatch(/X-Namespace/i);

  const res = await decode([stored]).set('Origin', UI).set('Cookie', `duban_session=${admin}`);
  expect(res.status).toBe(200);
  expect(res.headers['access-control-allow-origin']).toBe(UI);
  expect(text(res.body.payloads[0].data)).toContain(SEED_DIRECTIVE.title);
});

test('a page of any other origin gets no CORS answer, and its cookie is refused', async () => {
  const evil = 'http://evil.example';
  const preflight = await request(stack.app).options('/codec/decode').set('Origin', evil);
  expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  const res = await decode([stored]).set('Origin', evil).set('Cookie', `duban_session=${admin}`);
  expect(res.status).toBe(403);
  expect(res.body.error.code).toBe('cross_origin');
});

test('encode seals with the current key and decode opens it again; plaintext passes through', async () => {
  const plain = { metadata: { encoding: b64(Buffer.from('json/plain')) }, data: b64(Buffer.from('"阅"')) };
  const nothing = { metadata: { encoding: b64(Buffer.from('binary/null')) }, data: '' };
  const sealed = await request(stack.app)
    .post('/codec/encode')
    .set('Authorization', `Bearer ${admin}`)
    .send({ payloads: [plain, nothing] });
  expect(sealed.status).toBe(200);
  expect(text(sealed.body.payloads[0].metadata['encryption-key-id'])).toBe('k2026');
  // The CLI's --codec-endpoint http://…/codec/{namespace} puts the namespace in the path.
  const opened = await request(stack.app)
    .post('/codec/default/decode')
    .set('Authorization', `Bearer ${admin}`)
    .send({ payloads: [...sealed.body.payloads, plain] });
  expect(opened.status).toBe(200);
  expect(opened.body.payloads).toEqual([plain, nothing, plain]);
});

test('a payload under an unknown key, another namespace, or a malformed body is a 400', async () => {
  const other = createEncryptionCodec({ keys: { k2024: randomBytes(32) }, currentKeyId: 'k2024' });
  const [foreign] = await other.encode([
    { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('1') },
  ]);
  const unknownKey = await decode([asJson(foreign!)]).set('Authorization', `Bearer ${admin}`);
  expect(unknownKey.status).toBe(400);
  expect(unknownKey.body.error).toMatchObject({
    code: 'codec_failed',
    message: expect.stringMatching(/以密钥 k2024 加密，而本处未配置该密钥/),
  });

  const otherNamespace = await decode([stored])
    .set('Authorization', `Bearer ${admin}`)
    .set('X-Namespace', 'prod');
  expect(otherNamespace.status).toBe(400);
  expect(otherNamespace.body.error.code).toBe('wrong_namespace');

  const malformed = await decode([{ data: 'not base64!' }]).set('Authorization', `Bearer ${admin}`);
  expect(malformed.status).toBe(400);
  expect(malformed.body.error.fields).toEqual([{ field: 'payloads[0].data', reason: '须为 Base64 编码' }]);
});
