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
  const spent = (res: RateLimiterRes | null, points: number) => res !== null && res.consumedPoints >= points;

  return {
    /** Whether this attempt must wait, checked before any password is verified. */
    async check(username: string, address: string): Promise<Throttled | undefined> {
      const [user, addr] = await Promise.all([
        byUserAndAddress.get(userKey(username, address)),
        byAddress.get(address),
      ]);
      if (spent(addr, options.failuresPerAddress))
        return { scope: 'address', retryAfterMs: addr!.msBeforeNext };
      if (spent(user, options.failuresPerUserAndAddress))
        return { scope: 'username-and-address', retryAfterMs: user!.msBeforeNext };
      return undefined;
    },

    /** Counts a failed sign-in against both limits. */
    async failed(username: string, address: string): Promise<void> {
      await Promise.all([byUserAndAddress.penalty(userKey(username, address)), byAddress.penalty(address)]);
    },

    /** A successful sign-in clears its username's count from that address (not the address's). */
    async succeeded(username: string, address: string): Promise<void> {
      await byUserAndAddress.delete(userKey(username, address));
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
