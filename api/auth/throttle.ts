/**
 * Sign-in throttling (登录限流). Failures are counted per username and address together, so
 * someone guessing a leader's password from another machine slows only themselves: the leader,
 * signing in from their own address, is never locked out by it. A second, larger count per
 * address stops one machine from trying many usernames.
 *
 * The counts live in this process's memory (rate-limiter-flexible's in-memory limiter): a
 * restart forgets them, and several API processes would each count on their own. The audit
 * trail keeps every failure regardless.
 */
import { RateLimiterMemory, type RateLimiterRes } from 'rate-limiter-flexible';

export interface LoginThrottleOptions {
  /** Failed sign-ins for one username from one address before it must wait… */
  failuresPerUserAndAddress: number;
  /** …and failed sign-ins from one address, whatever the username… */
  failuresPerAddress: number;
  /** …within this window (fixed, from the first failure), in seconds. */
  windowSeconds: number;
}

export const LOGIN_THROTTLE: LoginThrottleOptions = {
  failuresPerUserAndAddress: 5,
  failuresPerAddress: 100,
  windowSeconds: 15 * 60,
};

export interface Throttled {
  /** Which count ran out: this username from this address, or this address altogether. */
  scope: 'username-and-address' | 'address';
  retryAfterMs: number;
}

export function createLoginThrottle(options: LoginThrottleOptions = LOGIN_THROTTLE) {
  const byUserAndAddress = new RateLimiterMemory({
    keyPrefix: 'login-user-address',
    points: options.failuresPerUserAndAddress,
    duration: options.windowSeconds,
  });
  const byAddress = new RateLimiterMemory({
    keyPrefix: 'login-address',
    points: options.failuresPerAddress,
    duration: options.windowSeconds,
  });
  // JSON keeps "a|b" + "c" apart from "a" + "b|c".
  const userKey = (username: string, address: string) => JSON.stringify([username, address]);
  /**
   * The addresses each username failed from, so an administrator can unlock the username (the
   * limiter's keys cannot be listed). Forgotten on a success or an unlock, like the counts.
   */
  const addressesOf = new Map<string, Set<string>>();

  const rejected = (err: unknown): RateLimiterRes => {
    // The limiter rejects with its result when points run out, with an Error when it fails.
    if (err instanceof Error) throw err;
    return err as RateLimiterRes;
  };

  return {
    /**
     * Takes one attempt from both counts before any password is verified, so attempts sent all at
     * once cannot all pass the check before the first failure is counted. Undefined: go on.
     */
    async attempt(username: string, address: string): Promise<Throttled | undefined> {
      try {
        await byAddress.consume(address);
      } catch (err) {
        return { scope: 'address', retryAfterMs: rejected(err).msBeforeNext };
      }
      addressesOf.set(username, (addressesOf.get(username) ?? new Set()).add(address));
      try {
        await byUserAndAddress.consume(userKey(username, address));
      } catch (err) {
        return { scope: 'username-and-address', retryAfterMs: rejected(err).msBeforeNext };
      }
      return undefined;
    },

    /** A successful sign-in gives its attempts back: only failures count. */
    async succeeded(username: string, address: string): Promise<void> {
      await Promise.all([byUserAndAddress.delete(userKey(username, address)), byAddress.reward(address, 1)]);
      addressesOf.get(username)?.delete(address);
      if (addressesOf.get(username)?.size === 0) addressesOf.delete(username);
    },

    /** Whether this username is locked out from some address now. */
    async locked(username: string): Promise<boolean> {
      for (const address of addressesOf.get(username) ?? []) {
        const res = await byUserAndAddress.get(userKey(username, address));
        if (res && res.remainingPoints <= 0 && res.msBeforeNext > 0) return true;
      }
      return false;
    },

    /**
     * An administrator's 解锁: the username's failures are forgotten at every address. An address's
     * own count (many usernames tried from one machine) is left: that is not this person's lock.
     * Answers whether anything was locked.
     */
    async unlock(username: string): Promise<boolean> {
      const wasLocked = await this.locked(username);
      await Promise.all(
        [...(addressesOf.get(username) ?? [])].map((a) => byUserAndAddress.delete(userKey(username, a))),
      );
      addressesOf.delete(username);
      return wasLocked;
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
