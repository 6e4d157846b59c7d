/** Passwords are stored as Argon2id hashes (memory-hard), never in the clear. */
import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

// OWASP's Argon2id baseline: 19 MiB memory, 2 iterations, 1 lane.
const OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  try {
    return await verify(storedHash, password);
  } catch {
    return false; // a malformed stored hash never lets anyone in
  }
}

/** Hash of a password nobody has, so an unknown user costs the same time as a wrong password. */
export const DUMMY_HASH = hash('duban-no-such-user', OPTIONS);

/**
 * The demo organisation's password (scripts/demo-organisation.ts): public, in the README. A
 * production start (DUBAN_PRODUCTION) never lets it sign anyone in, and nobody may choose it.
 */
export const DEMO_PASSWORD = 'duban-demo-2017';

/** Letters and digits a person reads off a screen and types without mistaking one for another. */
const READABLE = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789';

/**
 * An initial password an administrator hands over (a new account, a reset): 16 characters drawn
 * without bias from READABLE (about 93 bits), with a letter and a digit as the rules below want
 * (drawn again otherwise, about one time in 13). The person must change it at his first sign-in.
 */
export function generatePassword(length = 16): string {
  for (;;) {
    const password = drawReadable(length);
    if (/[A-Za-z]/.test(password) && /\d/.test(password)) return password;
  }
}

function drawReadable(length: number): string {
  const out: string[] = [];
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 256 is not a multiple of the alphabet: bytes past the last whole round are dropped.
      if (byte < 256 - (256 % READABLE.length)) out.push(READABLE[byte % READABLE.length]!);
      if (out.length === length) break;
    }
  }
  return out.join('');
}

export const PASSWORD_MIN_LENGTH = 10;

/** Why a password a person chose will not do (in Chinese, for the form), or undefined. */
export function passwordProblem(password: string, username: string): string | undefined {
  if (password.length < PASSWORD_MIN_LENGTH) return `新密码至少 ${PASSWORD_MIN_LENGTH} 个字符`;
  if (password.length > 128) return '新密码至多 128 个字符';
  if (password === DEMO_PASSWORD) return '不能使用演示密码';
  if (password.toLowerCase().includes(username.toLowerCase())) return '新密码不能包含用户名';
  if (!/[A-Za-z]/.test(password) || !/\d/.test(password)) return '新密码须同时包含字母和数字';
  return undefined;
}
