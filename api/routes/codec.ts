/**
 * The codec endpoint: Temporal's remote codec protocol, so that the Temporal Web UI and CLI, which
 * only see ciphertext in the server's histories, can show an operator the payloads in clear.
 *
 *   POST /codec/decode, POST /codec/encode   (also /codec/<namespace>/…, the CLI's {namespace})
 *   body and answer: {"payloads": [{"metadata": {"encoding": "<base64>", …}, "data": "<base64>"}]}
 *   (protobuf JSON: every bytes field base64); X-Namespace, when sent, must be Duban's namespace.
 *
 * It runs the API's own Temporal client's codecs (core/temporal.ts), so it opens exactly what the
 * client and worker seal, with the same keys, and passes everything through unchanged when
 * encryption is off. Only the operator (ADMIN) may use it: decoding shows titles, comments and
 * names of every directive.
 *
 * Mounted before authenticate(), because it authenticates on its own terms: a browser page of
 * another origin (the Temporal Web UI, on its own port) calls it with the Duban session cookie,
 * which the general CSRF rule (cookie writes only from this site) would refuse. Here such a call
 * is allowed from the origins in CODEC_CORS_ORIGINS only, with CORS answers for them alone.
 * A bearer token (the CLI's --codec-auth "Bearer <token>") works from anywhere.
 */
import { Router, type Request, type RequestHandler } from 'express';
import type { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { z } from 'zod';
import { rolesNeeded } from '../../workflows/wording';
import { SESSION_COOKIE } from '../auth/middleware';
import type { SessionStore } from '../auth/sessions';
import { HttpError } from '../errors';
import { authenticating, operation } from '../openapi';
import { parseRequest, requestSchema } from '../parse';

export interface CodecRouterDeps {
  temporal: Client;
  sessions: SessionStore;
  /** Origins whose pages may call the endpoint with the session cookie (the Temporal Web UI's). */
  corsOrigins: readonly string[];
}

const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, { message: '须为 Base64 编码' });
const codecRequest = requestSchema({
  body: z.object({
    payloads: z
      .array(z.object({ metadata: z.record(z.string(), base64).nullish(), data: base64.nullish() }))
      .max(1000, { message: '每次最多 1000 项数据' }),
  }),
  // Read from the path below (CODEC_PATH), not by name.
  params: z.record(z.string(), z.string().optional()),
});

/**
 * The protocol asks a codec server to look only at the last segment (encode or decode), so that it
 * can sit at any depth: `/codec/decode`, and `/codec/<namespace>/decode` for the CLI's
 * `--codec-endpoint …/codec/{namespace}`, which the CLI fills with "" unless given `-n`.
 */
const CODEC_PATH = /^\/codec(?:\/([^/]*))?\/(encode|decode)\/?$/;

const codec = operation({
  summary: 'Temporal remote codec: encode or decode payloads (the operator, for the Temporal Web UI and CLI)',
  description:
    'Also at /codec/<namespace>/encode and /codec/<namespace>/decode. X-Namespace, when sent, must be this deployment’s namespace.',
  request: codecRequest,
  paths: ['/codec/decode', '/codec/encode'],
  responses: { 200: '`{payloads}`' },
});

type JsonPayload = z.output<typeof codecRequest>['body']['payloads'][number];

const fromJson = ({ metadata, data }: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(data ?? '', 'base64'),
});

// Buffer.from copies: a payload decoded by protobufjs may hold a plain array for empty bytes.
const base64Of = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

const toJson = ({ metadata, data }: Payload) => ({
  metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([k, v]) => [k, base64Of(v)])),
  data: base64Of(data ?? new Uint8Array()),
});

/** CORS for the listed origins only, with credentials (the UI's "Include cross-origin credentials"). */
function corsFor(origins: readonly string[]): RequestHandler {
  const allowed = new Set(origins);
  return (req, res, next) => {
    res.vary('Origin');
    const origin = req.get('origin');
    if (origin && allowed.has(origin)) {
      res.set({ 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true' });
      if (req.method === 'OPTIONS') {
        res.set({
          'Access-Control-Allow-Methods': 'POST',
          'Access-Control-Allow-Headers': 'Content-Type, X-Namespace, Authorization',
          'Access-Control-Max-Age': '600',
        });
      }
    }
    // A preflight carries no credentials; it is answered here, before authentication.
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next();
  };
}

function sameSiteOrListed(req: Request, origins: readonly string[]): boolean {
  const origin = req.get('origin');
  if (origin === undefined || origins.includes(origin)) return true;
  try {
    const from = new URL(origin);
    return from.host === new URL(`${from.protocol}//${req.host}`).host;
  } catch {
    return false;
  }
}

function operatorOnly(sessions: SessionStore, origins: readonly string[]): RequestHandler {
  const check: RequestHandler = async (req, _res, next) => {
    const bearer = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1]?.trim();
    const cookie = new RegExp(`(?:^|;\\s*)${SESSION_COOKIE}=([^;]+)`).exec(req.get('cookie') ?? '')?.[1];
    const token = bearer ?? cookie;
    const user = token ? await sessions.resolve(token) : undefined;
    if (!user) throw new HttpError(401, 'unauthenticated', '请先登录：会话无效或已过期');
    if (!bearer && !sameSiteOrListed(req, origins)) {
      throw new HttpError(
        403,
        'cross_origin',
        '解码服务只接受本系统页面或 CODEC_CORS_ORIGINS 所列来源携带的登录凭据',
      );
    }
    req.user = user;
    req.sessionToken = token;
    if (!user.roles.includes('ADMIN')) {
      throw new HttpError(403, 'forbidden', rolesNeeded('解码服务', ['ADMIN']));
    }
    // A password someone else set (a reset, the first start) decodes nothing until changed.
    if (user.mustChangePassword)
      throw new HttpError(403, 'password_change_required', '请先修改初始密码，再使用解码服务');
    next();
  };
  return authenticating(check, ['ADMIN']); // the OpenAPI document names the sign-in and the role
}

export function codecRouter({ temporal, sessions, corsOrigins }: CodecRouterDeps): Router {
  const router = Router();
  const codecs = temporal.options.loadedDataConverter.payloadCodecs;
  const namespace = temporal.options.namespace;

  router.use('/codec', corsFor(corsOrigins), operatorOnly(sessions, corsOrigins));

  router.post(CODEC_PATH, codec, async (req, res) => {
    const [, inPath, op] = CODEC_PATH.exec(req.path) ?? [];
    const direction = op === 'encode' ? 'encode' : 'decode';
    const { body } = parseRequest(codecRequest, req);
    // The CLI and the UI send X-Namespace, empty when they were not told one.
    const asked = req.get('x-namespace') || inPath || undefined;
    if (asked !== undefined && asked !== namespace) {
      throw new HttpError(400, 'wrong_namespace', `本解码服务只服务命名空间 ${namespace}，而非 ${asked}`);
    }
    // A data converter encodes through its codecs in order and decodes in reverse.
    let payloads = body.payloads.map(fromJson);
    try {
      for (const codec of direction === 'encode' ? codecs : [...codecs].reverse()) {
        payloads = await codec[direction](payloads);
      }
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new HttpError(
        400,
        'codec_failed',
        `数据${direction === 'encode' ? '编码' : '解码'}失败：${reason}`,
      );
    }
    res.set('Cache-Control', 'no-store');
    res.json({ payloads: payloads.map(toJson) });
  });
  return router;
}
