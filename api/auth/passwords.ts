/** Passwords are stored as Argon2id hashes (memory-hard), never in the clear. */
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
