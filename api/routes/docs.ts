/**
 * The API's own description: the OpenAPI 3.1 document (GET /api/openapi.json), made from the
 * routes' descriptions and schemas (api/openapi.ts), and interactive docs (Swagger UI) at
 * /api/docs, served from node_modules (swagger-ui-dist): no CDN, nothing fetched from elsewhere.
 *
 * Both are open to anyone, like the web UI's own scripts: they describe the API's shape (routes,
 * fields, the roles a route admits), never its data. Trying a route from the docs page needs a
 * session like any client (the Authorize button takes a token; a browser signed in to Duban
 * sends its cookie).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Router, type Express } from 'express';
import swaggerUi from 'swagger-ui-express';
import { chinaDate } from '../../workflows/incoming-document';
import { openApiDocument, operation } from '../openapi';
import { parseRequest, requestSchema } from '../parse';
import type { Clock } from '../requests';
import { ROOT } from '../../core/paths';

export const OPENAPI_PATH = '/api/openapi.json';
export const DOCS_PATH = '/api/docs';

const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
};

const documentRequest = requestSchema({});
const describeApi = operation({
  summary: 'This document: the API described as OpenAPI 3.1',
  request: documentRequest,
  responses: { 200: 'The OpenAPI document' },
});

const SWAGGER_UI = {
  customSiteTitle: 'Duban API',
  swaggerOptions: {
    url: OPENAPI_PATH,
    // Swagger UI would otherwise send the document to validator.swagger.io for a badge.
    validatorUrl: null,
    // The browser's session cookie goes along with "Try it out", as with the web UI.
    withCredentials: true,
  },
};

/** `app` is the whole app, walked for its routes when the document is asked for. */
export function docsRouter(app: Express, clock: Clock): Router {
  const router = Router();
  // Made once a day: schemas with dates "up to today" show today's bounds.
  let made: { day: string; document: object } | undefined;

  router.get(OPENAPI_PATH, describeApi, async (req, res) => {
    parseRequest(documentRequest, req);
    const nowMs = await clock();
    const day = chinaDate(nowMs);
    if (made?.day !== day) made = { day, document: openApiDocument(app, { nowMs, version }) };
    res.json(made.document);
  });

  router.use(DOCS_PATH, swaggerUi.serveFiles(undefined, SWAGGER_UI), swaggerUi.setup(undefined, SWAGGER_UI));
  return router;
}
