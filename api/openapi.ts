/**
 * The API described as OpenAPI 3.1, from the same zod schemas the routes parse their requests
 * with. Each route carries an `operation({...})` in its handler chain: a middleware that does
 * nothing but hold the route's description (summary, the request's one schema, its answers). The
 * document is made by walking the app's router stack, so a route and its description sit side by
 * side and a route without one is found by a test (test/api/openapi.test.ts). Who may call a route
 * is read from the same chain: authenticate() before it, requireRole(...) in it, actOnBehalf()
 * (the On-Behalf-Of header) before it. parseRequest checks that a route parses with the schema
 * its description names, so the two cannot drift apart.
 *
 * The JSON Schemas are zod's own (z.toJSONSchema, draft 2020-12, the dialect of OpenAPI 3.1),
 * taken on the input side: what a client sends before transforms and defaults. Refinements that
 * JSON Schema cannot say (a real calendar date, an office's rule) are left to the 400's reasons.
 */
import type { Express, Request, RequestHandler } from 'express';
import { z } from 'zod';

/** One answer of a route: what it means, and its media types (JSON unless said; none for 204). */
export interface ResponseDoc {
  description: string;
  mediaTypes?: readonly string[];
}

export interface OperationDoc {
  /** One line, in the office's words: `批示: a leader's instruction`. */
  summary: string;
  description?: string;
  /**
   * The request's one schema (requestSchema: body, params, query), or a factory of it for
   * schemas that depend on today (a date "up to today"); the document is made with the factory's
   * schema of the moment.
   */
  request?: z.ZodType | ((nowMs: number) => z.ZodType);
  /** Answers that are not refusals, by status. */
  responses: Record<number, string | ResponseDoc>;
  /** Refusals besides those the route's chain implies (400, 401, 403, 404: see below). */
  errors?: readonly number[];
  /**
   * A step carried to a workflow as an update: takes an Idempotency-Key, may be refused by the
   * workflow (409), cut short by the bounded wait (503) or fail to be recorded (500 step_failed).
   */
  step?: boolean;
  /** A request body that is not JSON (an upload's raw bytes). */
  rawBody?: { mediaType: string; description: string };
  /** The concrete paths of a route whose Express path is a regular expression. */
  paths?: readonly string[];
  /** Who may call it, where the roles in its chain do not say it all (what a person may see). */
  who?: string;
}

const OPERATION = Symbol('openapi.operation');
const AUTHENTICATES = Symbol('openapi.authenticates');
const ROLES = Symbol('openapi.roles');
const ON_BEHALF = Symbol('openapi.onBehalf');

interface Marked {
  [OPERATION]?: OperationDoc;
  [AUTHENTICATES]?: boolean;
  [ROLES]?: readonly string[];
  [ON_BEHALF]?: boolean;
}

/** A route's description, placed in its handler chain; it passes every request on untouched. */
export function operation(doc: OperationDoc): RequestHandler {
  const handler: RequestHandler & Marked = (_req, _res, next) => next();
  handler[OPERATION] = doc;
  return handler;
}

/** Marks a middleware that admits signed-in requests only (and, given roles, only those roles). */
export function authenticating<H extends RequestHandler>(handler: H, roles?: readonly string[]): H {
  const marked = handler as H & Marked;
  marked[AUTHENTICATES] = true;
  if (roles) marked[ROLES] = roles;
  return handler;
}

/** Marks a middleware that lets a signed-in request pass only for these roles. */
export function forRoles<H extends RequestHandler>(handler: H, roles: readonly string[]): H {
  (handler as H & Marked)[ROLES] = roles;
  return handler;
}

/** Marks the middleware that reads On-Behalf-Of (委托), for the routes after it. */
export function readsOnBehalfOf<H extends RequestHandler>(handler: H): H {
  (handler as H & Marked)[ON_BEHALF] = true;
  return handler;
}

/**
 * The description of the route this request is on, if it has one. parseRequest uses it to check
 * that a route parses with the schema its description names.
 */
export function operationOf(req: Request): OperationDoc | undefined {
  const stack = (req.route as { stack?: { handle: Marked }[] } | undefined)?.stack ?? [];
  return stack.find((layer) => layer.handle[OPERATION])?.handle[OPERATION];
}

// ---------------------------------------------------------------------------------------------
// The routes of an app, from its router (Express 5: app.router.stack, routers nested in it)

interface Layer {
  route?: { path: string | RegExp; methods: Record<string, boolean>; stack: Layer[] };
  handle: Marked & { stack?: Layer[] };
  match(path: string): boolean;
}

export interface AppRoute {
  /** `POST /api/directives/:receiptNumber/proposal`, as the access rows name routes. */
  key: string;
  method: string;
  path: string | RegExp;
  doc?: OperationDoc;
  /** Behind authenticate() or a middleware of its own that signs in. */
  authenticated: boolean;
  /** Roles admitted, from the middlewares before and in the route (all of them must pass). */
  roles: readonly (readonly string[])[];
  onBehalf: boolean;
  /** Whether a concrete path reaches this route. */
  matches(path: string): boolean;
}

export function appRoutes(app: Express): AppRoute[] {
  const found: AppRoute[] = [];
  type Scope = { authenticated: boolean; roles: readonly (readonly string[])[]; onBehalf: boolean };
  const walk = (stack: Layer[], outer: Scope) => {
    const scope = { ...outer };
    for (const layer of stack) {
      const h = layer.handle;
      if (layer.route) {
        const chain = layer.route.stack.map((l) => l.handle);
        const roles = [...scope.roles, ...chain.flatMap((c) => (c[ROLES] ? [c[ROLES]] : []))];
        for (const method of Object.keys(layer.route.methods)) {
          found.push({
            key: `${method.toUpperCase()} ${String(layer.route.path)}`,
            method,
            path: layer.route.path,
            doc: chain.find((c) => c[OPERATION])?.[OPERATION],
            authenticated: scope.authenticated || chain.some((c) => c[AUTHENTICATES]),
            roles,
            onBehalf: scope.onBehalf,
            matches: (path) => layer.match(path),
          });
        }
      } else if (h.stack) {
        walk(h.stack, scope);
      } else {
        if (h[AUTHENTICATES]) scope.authenticated = true;
        if (h[ROLES]) scope.roles = [...scope.roles, h[ROLES]];
        if (h[ON_BEHALF]) scope.onBehalf = true;
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, {
    authenticated: false,
    roles: [],
    onBehalf: false,
  });
  return found;
}

// ---------------------------------------------------------------------------------------------
// The document

type JsonSchema = Record<string, unknown>;

/** `/api/directives/:receiptNumber` → `/api/directives/{receiptNumber}`. */
export const templateOf = (path: string) => path.replace(/:(\w+)/g, '{$1}');

function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' });
  delete json.$schema;
  // Definitions would be resolved against the document's root, where they are not.
  if (json.$defs) throw new Error('a request schema with shared definitions ($defs) cannot be inlined');
  return json;
}

/**
 * The schema a query or body is documented by. listFilters() first refuses unknown filters by
 * name, then parses the filters it has (a pipe from an empty loose object to the shape): the
 * shape is what a client reads.
 */
function documented(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodPipe) {
    const { in: first, out } = schema.def;
    if (first instanceof z.ZodObject && Object.keys(first.shape).length === 0)
      return documented(out as z.ZodType);
  }
  return schema;
}

function partsOf(request: z.ZodType): { body?: z.ZodType; params?: z.ZodType; query?: z.ZodType } {
  if (!(request instanceof z.ZodObject)) throw new Error('a request schema is requestSchema({...})');
  const shape = request.shape as Record<string, z.ZodType>;
  return { body: shape.body, params: shape.params, query: shape.query };
}

function parametersOf(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const json = jsonSchemaOf(documented(schema));
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
    schema: property,
  }));
}

const isEmptyObject = (json: JsonSchema) =>
  json.type === 'object' && Object.keys(json.properties ?? {}).length === 0;

const REFUSALS: Record<number, string> = {
  400: 'Bad input (`invalid_input`, with a reason per field; `invalid_json`): nothing was started or written',
  401: 'No valid session (`unauthenticated`, `bad_credentials`)',
  403: 'Not for this person (`forbidden`: the role; `not_yours`; `not_delegated`: On-Behalf-Of; `cross_origin`: a cookie write from another site)',
  404: 'Does not exist, or is not yours to see (`not_found`)',
  409: 'Not possible now (`not_now`, `duplicate`, `refused`): the message says why',
  413: 'Too large (`too_large`)',
  415: 'A file type not accepted, or content that does not match its extension (`unsupported_type`)',
  429: 'Too many failed sign-ins (`locked`); see Retry-After',
  500: 'The step could not be recorded and was refused (`step_failed`); the operator is alerted',
  503: 'The workflow service or the step did not answer in time (`temporal_unavailable`, `step_pending`); nothing was changed, or send it again with the same Idempotency-Key; see Retry-After',
};

const ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'e.g. invalid_input, forbidden, not_found, not_now' },
        message: { type: 'string' },
        fields: {
          type: 'array',
          description: 'With invalid_input: each field refused and why',
          items: {
            type: 'object',
            required: ['field', 'reason'],
            properties: {
              field: { type: 'string', description: 'e.g. handlingOption, severity.level, attachments[0]' },
              reason: { type: 'string' },
            },
          },
        },
      },
    },
  },
};

const RETRY_AFTER = {
  'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'string' } },
};

const HEADERS = {
  idempotencyKey: {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description: 'A retry by the same person with the same key gets the first answer; the step is done once',
    schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{8,100}$' },
  },
  onBehalfOf: {
    name: 'On-Behalf-Of',
    in: 'header',
    required: false,
    description:
      '委托: act for this user (their id), who has delegated to you for today; 403 not_delegated otherwise',
    schema: { type: 'string', minLength: 1, maxLength: 100 },
  },
};

function successOf(status: number, answer: string | ResponseDoc): [string, JsonSchema] {
  const { description, mediaTypes } = typeof answer === 'string' ? { description: answer } : answer;
  if (status === 204) return [String(status), { description }];
  const types = mediaTypes ?? ['application/json'];
  const content = Object.fromEntries(
    types.map((t) => [t, { schema: t === 'application/json' ? { type: 'object' } : {} }]),
  );
  return [String(status), { description, content }];
}

function operationOfRoute(route: AppRoute, doc: OperationDoc, path: string, nowMs: number): JsonSchema {
  const request = typeof doc.request === 'function' ? doc.request(nowMs) : doc.request;
  const parts = request ? partsOf(request) : {};
  const parameters = [
    ...parametersOf(parts.params, 'path'),
    ...parametersOf(parts.query, 'query'),
    ...(doc.step ? [HEADERS.idempotencyKey] : []),
    ...(route.onBehalf ? [HEADERS.onBehalfOf] : []),
  ];
  let requestBody: JsonSchema | undefined;
  if (doc.rawBody) {
    requestBody = {
      required: true,
      description: doc.rawBody.description,
      content: { [doc.rawBody.mediaType]: { schema: { type: 'string', format: 'binary' } } },
    };
  } else if (parts.body) {
    const schema = jsonSchemaOf(documented(parts.body));
    if (!isEmptyObject(schema))
      requestBody = {
        // Without a body the form is empty: required when an empty form is refused.
        required: !parts.body.safeParse({}).success,
        content: { 'application/json': { schema } },
      };
  }

  const hasParams = /\{\w+\}/.test(path) || typeof route.path !== 'string';
  const write = route.method !== 'get';
  const refusals = new Set<number>([
    ...(request || doc.rawBody ? [400] : []),
    ...(route.authenticated ? [401] : []),
    ...(route.roles.length || route.onBehalf || (route.authenticated && write) ? [403] : []),
    ...(hasParams ? [404] : []),
    ...(doc.step ? [409, 500, 503] : []),
    // A JSON body past express.json()'s limit (256 kB).
    ...(requestBody ? [413] : []),
    ...(doc.errors ?? []),
  ]);
  const responses: Record<string, JsonSchema> = Object.fromEntries(
    Object.entries(doc.responses).map(([status, answer]) => successOf(Number(status), answer)),
  );
  for (const status of [...refusals].sort())
    responses[String(status)] ??= { $ref: `#/components/responses/E${status}` };

  const roles = route.roles.length ? route.roles[route.roles.length - 1]! : undefined;
  const who = [
    roles ? `Roles: ${roles.join(', ')}.` : route.authenticated ? 'Anyone signed in.' : 'Anyone.',
    doc.who,
  ].filter(Boolean);
  return {
    operationId: operationIdOf(route.method, path),
    summary: doc.summary,
    description: [doc.description, who.join(' ')].filter(Boolean).join('\n\n'),
    tags: [tagOf(path)],
    ...(parameters.length ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses,
    ...(route.authenticated ? {} : { security: [] }),
    ...(roles ? { 'x-roles': roles } : {}),
  };
}

/** `post /api/directives/{receiptNumber}/tasks/{departmentCode}/sign-for` → `postDirectivesReceiptNumberTasksDepartmentCodeSignFor`. */
function operationIdOf(method: string, path: string): string {
  const words = path
    .replace(/^\/api\//, '/')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return method + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

const tagOf = (path: string) => (path.startsWith('/api/') ? path.split('/')[2]! : path.split('/')[1]!);

export interface DocumentOptions {
  /** Now, for schemas that depend on today. */
  nowMs: number;
  version: string;
}

export function openApiDocument(app: Express, { nowMs, version }: DocumentOptions): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of appRoutes(app)) {
    if (!route.doc) continue; // the test names it
    const templates = route.doc.paths ?? (typeof route.path === 'string' ? [templateOf(route.path)] : []);
    for (const path of templates)
      (paths[path] ??= {})[route.method] = operationOfRoute(route, route.doc, path, nowMs);
  }
  const responses = Object.fromEntries(
    Object.entries(REFUSALS).map(([status, description]) => [
      `E${status}`,
      {
        description,
        ...(['429', '503'].includes(status) ? { headers: RETRY_AFTER } : {}),
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
    ]),
  );
  return {
    openapi: '3.1.0',
    info: {
      title: 'Duban (督办) API',
      version,
      description:
        'Directives (来文) carried from registration to reply as Temporal workflows, department tasks, ' +
        '传阅, and the integrity chain (政务诚信). Sign in with POST /api/auth/login; send the token ' +
        'as `Authorization: Bearer <token>` (or let the browser send the session cookie). Every ' +
        'request is parsed by one schema per route: a field that does not fit is a 400 naming it. ' +
        'Errors are `{"error": {"code", "message", "fields"}}`.',
    },
    tags: [...new Set(Object.keys(paths).map(tagOf))].sort().map((name) => ({ name })),
    security: [{ bearerAuth: [] }, { sessionCookie: [] }],
    paths,
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'The token from POST /api/auth/login',
        },
        sessionCookie: {
          type: 'apiKey',
          in: 'cookie',
          name: 'duban_session',
          description:
            'The HttpOnly cookie POST /api/auth/login sets; a write carried by it must come from this site (Origin)',
        },
      },
      schemas: { Error: ERROR_SCHEMA },
      responses,
    },
  };
}
