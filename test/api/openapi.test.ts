/**
 * The API described by OpenAPI 3.1 from the routes' own schemas: every route of the app has an
 * operation and every operation is a route of the app (as every route has an access row), the
 * document is valid OpenAPI 3.1 by a maintained validator, it is served to anyone and tells no
 * secret, and what it says about a form is what the route does with it.
 */
import { spawnSync } from 'node:child_process';
import express, { type ErrorRequestHandler } from 'express';
import request from 'supertest';
import { appRoutes, openApiDocument, operation, templateOf } from '../../api/openapi';
import { parseRequest, requestSchema } from '../../api/parse';
import { ROOT } from '../helpers/paths';
import { useSeedDayApi } from '../helpers/seed-day-api';
import { SEED_DIRECTIVE } from '../helpers/stack';

jest.setTimeout(180_000);

const api = useSeedDayApi(['huangweiyan']);
const app = () => api.stack.app;

type Operation = {
  operationId: string;
  summary?: string;
  security?: unknown[];
  parameters?: { name: string; in: string; required: boolean; schema: Record<string, unknown> }[];
  requestBody?: { required: boolean; content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, unknown>;
  'x-roles'?: string[];
};
type Document = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, unknown> };
};

let doc: Document;
beforeAll(async () => {
  const res = await request(app()).get('/api/openapi.json'); // no session: the document is public
  expect(res.status).toBe(200);
  doc = res.body as Document;
});

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ path, method, op })),
  );
/** A concrete path for a template, to ask the router which route it reaches. */
const concrete = (template: string) => template.replace(/\{\w+\}/g, '201700001');

test('every route of the app has an OpenAPI operation, and every operation is a route of the app', () => {
  const routes = appRoutes(app());
  const problems = [
    ...routes.filter((r) => !r.doc).map((r) => `route ${r.key} has no operation({...}) in its chain`),
    ...routes
      .filter((r) => r.doc && typeof r.path === 'string' && !doc.paths[templateOf(r.path)]?.[r.method])
      .map((r) => `route ${r.key} is not in the document`),
    ...operations()
      .filter(({ path, method }) => !routes.some((r) => r.method === method && r.matches(concrete(path))))
      .map(({ path, method }) => `operation ${method.toUpperCase()} ${path} is no route of the app`),
  ];
  expect(problems).toEqual([]);
  expect(operations().length).toBeGreaterThanOrEqual(routes.length);
});

test('the document is valid OpenAPI 3.1 (@seriousme/openapi-schema-validator)', () => {
  expect(doc.openapi).toBe('3.1.0');
  // The validator is an ES module, which Jest's CommonJS runtime does not load: Node runs it.
  const check = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { Validator } from '@seriousme/openapi-schema-validator';
       let text = ''; for await (const chunk of process.stdin) text += chunk;
       const result = await new Validator().validate(JSON.parse(text));
       process.stdout.write(JSON.stringify(result));`,
    ],
    { cwd: ROOT, input: JSON.stringify(doc), encoding: 'utf8' },
  );
  expect(check.stderr).toBe('');
  expect(JSON.parse(check.stdout)).toEqual({ valid: true });
});

test('operations name their session schemes, roles and refusals; open routes need no session', () => {
  expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['bearerAuth', 'sessionCookie']);
  const open = operations()
    .filter(({ op }) => op.security?.length === 0)
    .map(({ path, method }) => `${method.toUpperCase()} ${path}`)
    .sort();
  expect(open).toEqual(['GET /api/openapi.json', 'GET /health', 'POST /api/auth/login']);
  const proposal = doc.paths['/api/directives/{receiptNumber}/proposal']!.post!;
  expect(proposal['x-roles']).toEqual(['CLERK']);
  expect(Object.keys(proposal.responses).sort()).toEqual([
    '200',
    '400',
    '401',
    '403',
    '404',
    '409',
    '413',
    '500',
    '503',
  ]);
  expect(proposal.parameters?.map((p) => `${p.in} ${p.name}`)).toEqual([
    'path receiptNumber',
    'header Idempotency-Key',
    'header On-Behalf-Of',
  ]);
  for (const { op } of operations()) expect(op.summary).toBeTruthy();
});

test('a form is described as the route parses it: 办理提示 a number 1–5, dates as dates, filters as the list has them', () => {
  const proposal = doc.paths['/api/directives/{receiptNumber}/proposal']!.post!.requestBody!;
  const form = proposal.content['application/json']!.schema as {
    properties: Record<string, Record<string, unknown>>;
    required: string[];
    additionalProperties: boolean;
  };
  expect(proposal.required).toBe(true);
  expect(form.properties.handlingOption).toEqual({ type: 'number', enum: [1, 2, 3, 4, 5] });
  // 主办单位 and 办理提示 are required of a 办件 only (a 阅件, forReading, names neither).
  expect([...form.required].sort()).toEqual(['leaders']);
  expect(Object.keys(form.properties)).toEqual(expect.arrayContaining(['forReading', 'leadDepartment']));
  expect(form.additionalProperties).toBe(false);

  const extension = doc.paths['/api/directives/{receiptNumber}/tasks/{departmentCode}/extension']!.post!;
  const due = (extension.requestBody!.content['application/json']!.schema as { properties: object })
    .properties as Record<string, Record<string, unknown>>;
  expect(due.newDueDate).toMatchObject({ type: 'string', format: 'date' });

  const filters = doc.paths['/api/directives']!.get!.parameters!;
  expect(filters.filter((p) => p.in === 'query').map((p) => p.name)).toEqual([
    'page',
    'pageSize',
    'status',
    'department',
    'overdue',
    'dueBefore',
    'urgency',
    'q',
    'sort',
  ]);
  expect(filters.every((p) => !p.required)).toBe(true);
  // A route with nothing to send documents no body.
  expect(doc.paths['/api/directives/{receiptNumber}/dispatch']!.post!.requestBody).toBeUndefined();
});

test('what the document refuses, the route refuses: a 办理提示 given as text is a 400 on that field', async () => {
  const registered = await api.as('huangweiyan').post('/api/directives', SEED_DIRECTIVE);
  expect(registered.status).toBe(201);
  const rn = registered.body.directive.receiptNumber as string;
  const res = await api.as('huangweiyan').post(`/api/directives/${rn}/proposal`, {
    leadDepartment: 'GDFGW',
    handlingOption: '1',
    leaders: ['u-chunxin'],
  });
  expect(res.status).toBe(400);
  expect(res.body.error.fields.map((f: { field: string }) => f.field)).toEqual(['handlingOption']);
});

test('the document tells no secret: no password, token, hash or key', () => {
  const text = JSON.stringify(doc);
  expect(text).not.toMatch(/duban-demo-2017|\$argon2|passwordHash|PAYLOAD_KEYS/);
  // It is the same document however often it is asked for, whoever asks.
  expect(openApiDocument(app(), { nowMs: Date.parse('2017-01-03T01:00:00Z'), version: '0' }).paths).toEqual(
    doc.paths,
  );
});

test('a route parsing with a schema its description does not name is an error, not a silent drift', async () => {
  // parseRequest compares the schema with the description's (api/parse.ts).
  const drifted = express();
  const described = requestSchema({});
  drifted.get('/x', operation({ summary: 'x', request: described, responses: { 200: 'x' } }), (req, res) => {
    parseRequest(requestSchema({}), req);
    res.json({});
  });
  const answer: ErrorRequestHandler = (err, _req, res, _next) =>
    res.status(500).json({ message: (err as Error).message });
  drifted.use(answer);
  const res = await request(drifted).get('/x');
  expect(res.status).toBe(500);
  expect(res.body.message).toMatch(/parses with a schema its description does not name/);
});
