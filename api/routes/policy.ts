/** The routing policy: anyone signed in reads it; the office director or an administrator sets it. */
import { Router } from 'express';
import type { Database } from '../../core/database';
import { currentPolicy, routingPolicySchema, savePolicy } from '../../core/policies';
import type { RoutingPolicy } from '../../workflows/policy';
import { currentUser, requireRole } from '../auth/middleware';
import { HttpError } from '../errors';
import { operation } from '../openapi';
import { parseRequest, requestSchema } from '../parse';

const readRequest = requestSchema({});
const saveRequest = requestSchema({ body: routingPolicySchema });
const read = operation({
  summary: 'The routing policy in force',
  request: readRequest,
  responses: { 200: '`{policy}`' },
});
const save = operation({
  summary: 'A new routing policy version, for directives received from now on',
  request: saveRequest,
  responses: { 201: '`{policy}`' },
  errors: [409],
});

export function policyRouter(db: Database): Router {
  const router = Router();

  router.get('/api/policy', read, async (req, res) => {
    parseRequest(readRequest, req);
    res.json({ policy: await currentPolicy(db) });
  });

  // Takes effect for directives received from now on; running ones keep the policy they came with.
  router.put('/api/policy', save, requireRole('OFFICE_DIRECTOR', 'ADMIN'), async (req, res) => {
    const { body } = parseRequest(saveRequest, req);
    const policy: RoutingPolicy = body;
    try {
      await savePolicy(db, policy, currentUser(req).id);
    } catch (err) {
      // The version is the key: a second save of one name (even at the same moment) is refused.
      if ((err as { code?: string }).code !== 'P2002') throw err;
      throw new HttpError(409, 'duplicate', `政策版本 ${policy.version} 已存在`, [
        { field: 'version', reason: '新政策须使用新的版本名称' },
      ]);
    }
    res.status(201).json({ policy });
  });

  return router;
}
