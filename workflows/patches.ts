/**
 * The workflows' patches (changes made while histories recorded under the old code were open),
 * and one marker that stands for all of them in a workflow started since.
 *
 * Each first `patched(id)` of the SDK in a run records a marker in the history, and the SDK's core
 * adds a command that upserts the `TemporalChangeVersion` search attribute: one more history event
 * and one more visibility write on the server, per patch, in every directive and task. A workflow
 * started under this release calls `startUnderRelease()` before its first command instead: one
 * marker, the release's, says every patch below applies (README "Performance"). A history from
 * before the release has no such marker, so replay answers `false` there, and each patch is asked
 * of that history at its own place, as it was recorded.
 *
 * A release's list is frozen once it has shipped: a run that recorded its marker took exactly those
 * patches, and its replay must take them again. A change after it is a new PatchId, asked of each
 * run with the SDK's `patched` here; a later release gets its own marker naming every patch up to
 * it, newest first in RELEASES.
 */
import { patched as recordedPatch } from '@temporalio/workflow';

/** The patches of release 2026-12: every change made while older histories were open. Frozen. */
const RELEASE_2026_12 = [
  'local-activities',
  'turn-notices',
  'parallel-dispatch',
  'withdraw-open-tasks-only',
  'office-handling-clock',
  'reply-after-closure',
  'breach-opening',
  'classified-breach-facts',
  'ladder-rechecks-between-rungs',
  'one-write-per-step',
] as const;

/** Release 2026-12-b: 2026-12's, and a reminder (催报) written with its notice. Frozen. */
const RELEASE_2026_12_B = [...RELEASE_2026_12, 'reminder-with-record'] as const;

/** Release 2026-12-c: 2026-12-b's, and a reminder's notice prepared ahead of its instant. Frozen. */
const RELEASE_2026_12_C = [...RELEASE_2026_12_B, 'notices-prepared-ahead'] as const;

/** A change since the last release joins this union, and has a marker of its own until the next. */
export type PatchId = (typeof RELEASE_2026_12_C)[number];

/** Each release's marker and the patches it stands for, newest first. */
const RELEASES: readonly { marker: string; patches: readonly PatchId[] }[] = [
  { marker: 'release-2026-12-c', patches: RELEASE_2026_12_C },
  { marker: 'release-2026-12-b', patches: RELEASE_2026_12_B },
  { marker: 'release-2026-12', patches: RELEASE_2026_12 },
];

/** The marker a workflow started today records. */
export const CURRENT_RELEASE = RELEASES[0]!.marker;

/**
 * The patches this run took at its start. Module state is the run's own: the SDK gives each
 * workflow run its own copy of the bundle's modules.
 */
let takenAtStart: readonly PatchId[] = [];

/**
 * At a workflow's start, before its first command: the release it runs under, if it was started
 * under one (a new run: the newest, which records its marker; a replay: the one its history holds).
 */
export function startUnderRelease(): void {
  takenAtStart = RELEASES.find((release) => recordedPatch(release.marker))?.patches ?? [];
}

/** Whether this run takes the change: by its release, or else as the SDK's `patched` answers. */
export function patched(id: PatchId): boolean {
  return takenAtStart.includes(id) || recordedPatch(id);
}
