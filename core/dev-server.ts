/**
 * The Temporal server settings Duban's shape asks for beyond the server's defaults: `npm start`
 * gives them to the embedded dev server, and the bench to its own, so the bench measures what
 * `npm start` runs. A cluster's operator sets the same in the cluster's dynamic configuration for
 * Duban's namespace (README "Existing Temporal cluster"). No imports: the supervisor loads this.
 */
export const DUBAN_DYNAMIC_CONFIG = {
  // 收文登记: every registration of a year is an update on the year's one register workflow. The
  // server's default admits 10 updates in flight on a workflow and refuses the rest, which the
  // client retries after 1 s, 1.7 s, 2.9 s …: at 50 clerks at once that was a registration's p99 of
  // 12–16 s; with room for 100, 2.4–3.2 s (README "Performance").
  'history.maxInFlightUpdates': 100,
} as const;

/** These settings and a caller's own as the Temporal CLI's `--dynamic-config-value KEY=JSON` arguments. */
export function dynamicConfigArgs(own: Readonly<Record<string, unknown>> = {}): string[] {
  return Object.entries({ ...DUBAN_DYNAMIC_CONFIG, ...own }).flatMap(([key, value]) => [
    '--dynamic-config-value',
    `${key}=${JSON.stringify(value)}`,
  ]);
}
