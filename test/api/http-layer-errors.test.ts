/**
 * What the HTTP layer refuses before a route parses anything is the client's error, not the
 * server's: a JSON body in a charset or content encoding body-parser does not read (415), a path
 * parameter that is not valid percent-encoding (400). Found while fuzzing the API (README,
 * "OpenAPI and fuzzing"); each was answered 500 `internal`.
 */
import request from 'supertest';
import { useSeedDayApi } from '../helpers/seed-day-api';
import { signIn } from '../helpers/stack';

jest.setTimeout(120_000);

const api = useSeedDayApi([]);
let token = '';
beforeAll(async () => {
  token = await signIn(api.stack.app, 'huangweiyan');
});

const DELEGATION = JSON.stringify({
  toUserId: 'u-chenweiyan',
  startsOn: '2017-01-04',
  endsOn: '2017-01-10',
  reason: '出差',
});

test.each([
  ['a JSON body in a charset body-parser does not read', 'application/json; charset=latin-9', {}, 415],
  [
    'a JSON body in a content encoding it does not read',
    'application/json',
    { 'Content-Encoding': 'br2' },
    415,
  ],
  ['a JSON body said to be gzip that is not', 'application/json', { 'Content-Encoding': 'gzip' }, 400],
])('%s is refused as the client’s error (%#)', async (_what, type, headers, status) => {
  const res = await request(api.stack.app)
    .post('/api/delegations')
    .set({ Authorization: `Bearer ${token}`, 'Content-Type': type, ...headers })
    .send(DELEGATION);
  expect(res.status).toBe(status);
  expect(res.body.error.code).not.toBe('internal');
});

test.each(['/api/directives/%ZZ', '/api/directives/2017%E0%A4%A/tasks/GDFGW/sign-for', '/api/attachments/%'])(
  'a path parameter that is not valid percent-encoding is a 400: %s',
  async (url) => {
    const res = await request(api.stack.app).get(url).set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_url');
  },
);
