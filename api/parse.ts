/**
 * Parsing a request with one zod schema for its body, params and query together, and the
 * refusal it gives: a 400 naming each field (`severity.level`, `attachments[0]`, `page`) with a
 * reason a person can act on. Schemas give their own reasons where the office's words help
 * (严重程度 must be one of …); everything else gets the plain defaults below.
 */
import type { Request } from 'express';
import { z } from 'zod';
import { isCalendarDate, type FieldProblem } from '../workflows/incoming-document';
import { invalidInput } from './errors';
import { operationOf } from './openapi';

type Part = 'body' | 'params' | 'query';
type Issue = z.core.$ZodIssue;
type RawIssue = z.core.$ZodRawIssue;

const NOTHING = z.object({}).strict();

/**
 * The schema of a whole request. A part left out must be empty: a route without a query refuses
 * one, so a mistyped filter never passes silently.
 */
export function requestSchema<
  B extends z.ZodType = typeof NOTHING,
  P extends z.ZodType = typeof NOTHING,
  Q extends z.ZodType = typeof NOTHING,
>(parts: { body?: B; params?: P; query?: Q }) {
  return z
    .object({
      body: (parts.body ?? NOTHING) as B,
      params: (parts.params ?? NOTHING) as P,
      query: (parts.query ?? NOTHING) as Q,
    })
    .strict();
}

/** Parses the request or throws the 400 (invalid_input) that lists every problem found. */
export function parseRequest<T extends z.ZodType>(schema: T, req: Request): z.output<T> {
  // The OpenAPI document shows the schema the route's description names: it must be this one.
  const described = operationOf(req)?.request;
  if (described && typeof described !== 'function' && described !== schema)
    throw new Error(`${req.method} ${req.path} parses with a schema its description does not name`);
  const input = {
    // Without a JSON content type there is no body at all: the form is then empty, not absent.
    body: (req.body as unknown) ?? {},
    params: { ...req.params },
    query: { ...(req.query as Record<string, unknown>) },
  };
  const parsed = schema.safeParse(input, { error: defaultReason });
  if (!parsed.success) throw invalidInput(fieldProblems(parsed.error.issues));
  return parsed.data;
}

/** Zod's issues as the API's field problems; an unknown key is one problem per key. */
export function fieldProblems(issues: readonly Issue[]): FieldProblem[] {
  return issues.flatMap((issue) => {
    const part = issue.path[0] as Part | undefined;
    if (issue.code === 'unrecognized_keys') {
      const stranger = part === 'query' ? 'is not a filter of this list' : 'is not a field of this form';
      return issue.keys.map((key) => ({ field: fieldName([...issue.path, key]), reason: stranger }));
    }
    return [{ field: fieldName(issue.path), reason: issue.message }];
  });
}

/** `['body', 'severity', 'level']` → `severity.level`; `['body', 'attachments', 0]` → `attachments[0]`. */
function fieldName(path: readonly PropertyKey[]): string {
  const [part, ...rest] = path;
  if (!rest.length) return part === undefined ? 'request' : String(part);
  return rest
    .map((seg, i) => (typeof seg === 'number' ? `[${seg}]` : i === 0 ? String(seg) : `.${String(seg)}`))
    .join('');
}

const KINDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
};

/** What a person sent, for a reason: `text "1"`, `the number 1e+300`, `a list`. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string')
    return `text ${JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}…` : value)}`;
  if (typeof value === 'number') return `the number ${value}`;
  return KINDS[typeof value] ?? typeof value;
}

/** Reasons for the issues a schema did not word itself. */
function defaultReason(issue: RawIssue): string | undefined {
  if (issue.input === undefined && issue.code !== 'unrecognized_keys' && issue.code !== 'custom')
    return 'is required';
  switch (issue.code) {
    case 'invalid_type':
      if (issue.expected === 'object' && issue.path?.length === 1) return 'must be a JSON object';
      return `must be ${KINDS[issue.expected] ?? issue.expected}, not ${kindOf(issue.input)}`;
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string')
        return min <= 1 ? 'must not be empty' : `must be at least ${min} characters`;
      if (issue.origin === 'array')
        return min <= 1 ? 'must name at least one' : `must have at least ${min} items`;
      return issue.inclusive ? `must be at least ${min}` : `must be more than ${min}`;
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return `must be at most ${max} characters`;
      if (issue.origin === 'array') return `must have at most ${max} items`;
      return issue.inclusive ? `must be at most ${max}` : `must be less than ${max}`;
    }
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => String(v)).join(', ')}`;
    case 'invalid_format':
      return 'is not in the expected form';
    default:
      return undefined;
  }
}

// Building blocks the routers share.

/** Required text, trimmed, 1 to `max` characters. */
export const text = (label: string, max: number) =>
  z
    .string({ error: (i) => (i.input === undefined ? `${label} is required` : `${label} must be text`) })
    .trim()
    .min(1, `${label} is required`)
    .max(max, `${label} is at most ${max} characters`);

/** Optional text, trimmed, at most `max` characters; absent is empty. */
export const remark = (label: string, max: number) =>
  z
    .string({ error: `${label} must be text` })
    .trim()
    .max(max, `${label} is at most ${max} characters`)
    .default('');

/** A YYYY-MM-DD date that exists on the calendar (no 2017-02-30). */
export const calendarDate = (label: string) =>
  z
    .string({
      error: (i) =>
        i.input === undefined ? `${label} is required` : `${label} must be a date YYYY-MM-DD as text`,
    })
    .meta({ format: 'date' }) // for the OpenAPI document: RFC 3339 full-date, what isCalendarDate admits
    .refine(isCalendarDate, `${label} must be a real calendar date YYYY-MM-DD`);

/**
 * One key of a catalogue with its Chinese labels, e.g. `oneOf('严重程度', SEVERITIES)`; the reason
 * lists every key with its label: "严重程度 must be one of GENERAL (一般), SERIOUS (较重), SEVERE (严重)".
 */
export function oneOf<K extends string>(label: string, catalogue: Record<K, string | { label: string }>) {
  const keys = Object.keys(catalogue) as [K, ...K[]];
  const named = keys
    .map((k) => {
      const v = catalogue[k];
      return `${k} (${typeof v === 'string' ? v : v.label})`;
    })
    .join(', ');
  return z.enum(keys, {
    error: (i) => (i.input === undefined ? `${label} is required` : `${label} must be one of ${named}`),
  });
}

/** A whole number from 1 given in a URL (params, query), where everything arrives as text. */
export const wholeNumberText = (label: string, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .regex(/^[1-9]\d{0,8}$/, `${label} must be a whole number from 1`)
    .transform(Number)
    .pipe(z.number().max(max, `${label} must be at most ${max}`));

/** true or false given in a URL. */
export const booleanText = (label: string) =>
  z.enum(['true', 'false'], { error: `${label} must be true or false` }).transform((v) => v === 'true');

/**
 * A list's filters (a URL query). A filter the list does not have is reported alone, before any
 * value is judged: a misspelt name usually explains the rest.
 */
export function listFilters<S extends z.ZodRawShape>(shape: S) {
  const names = Object.keys(shape);
  // Custom issues, not unrecognized_keys: only these stop the pipe before the values are judged.
  const known = z.looseObject({}).superRefine((query, ctx) => {
    for (const key of Object.keys(query).filter((k) => !names.includes(k)))
      ctx.addIssue({ code: 'custom', path: [key], message: 'is not a filter of this list' });
  });
  return known.pipe(z.object(shape).strict());
}

// Names of the routing domain, as they appear in URLs and forms.

/** 收文编号 in a URL: the year and a five-digit sequence, e.g. 201700084. */
export const receiptNumber = z
  .string()
  .regex(/^\d{9}$/, '收文编号 is a year and five digits, e.g. 201700084');

/** A department code (单位代码), e.g. GDFGW or GDBGT-ZH1; whether it exists is the database's to say. */
export const departmentCode = (label = '单位代码') =>
  z
    .string({ error: (i) => (i.input === undefined ? `${label} is required` : `${label} must be text`) })
    .regex(/^[A-Z0-9-]{1,20}$/, `${label} must be a department code, e.g. GDFGW`);

/** A user id (e.g. u-chunxin); whether that person exists and fits is the database's to say. */
export const userId = (label: string) =>
  z
    .string({
      error: (i) => (i.input === undefined ? `${label} is required` : `${label} must be a user id as text`),
    })
    .min(1, `${label} is required`)
    .max(100, `${label} is at most 100 characters`);

/** Each item of a list once. */
export const distinct = (xs: readonly unknown[]) => new Set(xs).size === xs.length;
