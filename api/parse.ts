/**
 * Parsing a request with one zod schema for its body, params and query together, and the
 * refusal it gives: a 400 naming each field (`severity.level`, `attachments[0]`, `page`) with a
 * reason a person can act on, in Chinese, naming the field by its label (收文日期不是有效日期). Schemas
 * give their own labels through the building blocks below; a bare schema's field is named from
 * FIELD_LABELS. The words themselves are the one vocabulary of workflows/wording.ts.
 */
import type { Request } from 'express';
import { z } from 'zod';
import { isCalendarDate, type FieldProblem } from '../workflows/incoming-document';
import * as say from '../workflows/wording';
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
      const stranger = part === 'query' ? say.notAFilter : say.notAField;
      return issue.keys.map((key) => ({ field: fieldName([...issue.path, key]), reason: stranger(key) }));
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
  string: '文字',
  number: '数字',
  int: '整数',
  boolean: '布尔值（true 或 false）',
  object: '对象',
  array: '列表',
};

/** What a person sent, for a reason: `文字 "1"`, `数字 1e+300`, `列表`. */
export function kindOf(value: unknown): string {
  if (value === null) return '空值';
  if (Array.isArray(value)) return '列表';
  if (typeof value === 'string')
    return `文字 ${JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}…` : value)}`;
  if (typeof value === 'number') return `数字 ${value}`;
  return KINDS[typeof value] ?? typeof value;
}

/**
 * The labels of fields whose schema names none (a bare z.string(), z.boolean() …), by their key;
 * a key not here is named as it is sent, in quotes.
 */
const FIELD_LABELS: Record<string, string> = {
  request: '请求',
  body: '请求内容',
  params: '地址参数',
  query: '查询条件',
  username: '用户名',
  password: '密码',
  attachments: '附件',
  options: '办理提示',
  amendment: '批示修改',
  departmentDueDates: '各单位回报期限',
  lastHandlingSequences: '办文编号已用到的编号',
};

/** The label a default reason names a field by: the last key of its path that is a name. */
function labelOf(path: readonly PropertyKey[] | undefined): string {
  const key = [...(path ?? [])].reverse().find((seg): seg is string => typeof seg === 'string');
  if (key === undefined) return '请求';
  return FIELD_LABELS[key] ?? `“${key}”`;
}

/** Reasons for the issues a schema did not word itself. */
function defaultReason(issue: RawIssue): string | undefined {
  const label = labelOf(issue.path);
  if (issue.input === undefined && issue.code !== 'unrecognized_keys' && issue.code !== 'custom')
    return say.required(label);
  switch (issue.code) {
    case 'invalid_type':
      if (issue.expected === 'object' && issue.path?.length === 1) return `${label}须为 JSON 对象`;
      return `${label}须为${KINDS[issue.expected] ?? issue.expected}，而非${kindOf(issue.input)}`;
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') return min <= 1 ? say.notEmpty(label) : say.tooShort(label, min);
      if (issue.origin === 'array') return min <= 1 ? `${label}至少一项` : `${label}至少 ${min} 项`;
      return issue.inclusive ? `${label}不得小于 ${min}` : `${label}须大于 ${min}`;
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return say.tooLong(label, max);
      if (issue.origin === 'array') return say.tooMany(label, max);
      return issue.inclusive ? `${label}不得大于 ${max}` : `${label}须小于 ${max}`;
    }
    case 'invalid_value':
      return say.oneOfThese(label, issue.values);
    case 'invalid_format':
      return `${label}格式不正确`;
    default:
      return undefined;
  }
}

// Building blocks the routers share.

/** Required text, trimmed, 1 to `max` characters. */
export const text = (label: string, max: number) =>
  z
    .string({ error: (i) => (i.input === undefined ? say.required(label) : say.mustBeText(label)) })
    .trim()
    .min(1, say.required(label))
    .max(max, say.tooLong(label, max));

/** Optional text, trimmed, at most `max` characters; absent is empty. */
export const remark = (label: string, max: number) =>
  z
    .string({ error: say.mustBeText(label) })
    .trim()
    .max(max, say.tooLong(label, max))
    .default('');

/** A YYYY-MM-DD date that exists on the calendar (no 2017-02-30). */
export const calendarDate = (label: string) =>
  z
    .string({
      error: (i) => (i.input === undefined ? say.required(label) : say.notADate(label)),
    })
    .meta({ format: 'date' }) // for the OpenAPI document: RFC 3339 full-date, what isCalendarDate admits
    .refine(isCalendarDate, say.notADate(label));

/**
 * One key of a catalogue with its Chinese labels, e.g. `oneOf('严重程度', SEVERITIES)`; the reason
 * lists every key with its label: "严重程度须为以下之一：GENERAL（一般）、SERIOUS（较重）、SEVERE（严重）".
 */
export function oneOf<K extends string>(label: string, catalogue: Record<K, string | { label: string }>) {
  const keys = Object.keys(catalogue) as [K, ...K[]];
  const named = keys.map((k) => {
    const v = catalogue[k];
    return `${k}（${typeof v === 'string' ? v : v.label}）`;
  });
  return z.enum(keys, {
    error: (i) => (i.input === undefined ? say.required(label) : say.oneOfThese(label, named)),
  });
}

/** A whole number from 1 given in a URL (params, query), where everything arrives as text. */
export const wholeNumberText = (label: string, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string({
      error: (i) =>
        i.input === undefined ? say.required(label) : `${label}须为文字，而非${kindOf(i.input)}`,
    })
    .regex(/^[1-9]\d{0,8}$/, say.wholeNumber(label, 1))
    .transform(Number)
    .pipe(z.number().max(max, `${label}不得大于 ${max}`));

/** true or false given in a URL. */
export const booleanText = (label: string) =>
  z.enum(['true', 'false'], { error: `${label}须为 true 或 false` }).transform((v) => v === 'true');

/**
 * A list's filters (a URL query). A filter the list does not have is reported alone, before any
 * value is judged: a misspelt name usually explains the rest.
 */
export function listFilters<S extends z.ZodRawShape>(shape: S) {
  const names = Object.keys(shape);
  // Custom issues, not unrecognized_keys: only these stop the pipe before the values are judged.
  const known = z.looseObject({}).superRefine((query, ctx) => {
    for (const key of Object.keys(query).filter((k) => !names.includes(k)))
      ctx.addIssue({ code: 'custom', path: [key], message: say.notAFilter(key) });
  });
  return known.pipe(z.object(shape).strict());
}

// Names of the routing domain, as they appear in URLs and forms.

/** 收文编号 in a URL: the year and a five-digit sequence, e.g. 201700084. */
export const receiptNumber = z.string().regex(/^\d{9}$/, '收文编号须为年份加五位序号，如 201700084');

/** A department code (单位代码), e.g. GDFGW or GDBGT-ZH1; whether it exists is the database's to say. */
export const departmentCode = (label = '单位代码') =>
  z
    .string({ error: (i) => (i.input === undefined ? say.required(label) : say.mustBeText(label)) })
    .regex(/^[A-Z0-9-]{1,20}$/, `${label}须为单位代码，如 GDFGW`);

/** A user id (e.g. u-chunxin); whether that person exists and fits is the database's to say. */
export const userId = (label: string) =>
  z
    .string({
      error: (i) => (i.input === undefined ? say.required(label) : `${label}须为用户账号（文字）`),
    })
    .min(1, say.required(label))
    .max(100, say.tooLong(label, 100));

/** Each item of a list once. */
export const distinct = (xs: readonly unknown[]) => new Set(xs).size === xs.length;
