/**
 * 收文登记簿 projected: where the year's numbers continue from (启用编号), so the API can show it and
 * a register started again (an operator terminated it) continues from it, and the trail of who set it.
 */
import { appendAudit } from '../core/audit';
import type { Database } from '../core/database';
import type { Actor, RegisterNumbering } from '../workflows/types';

/** The series of the 收文编号 in RegisterNumbering; the others are 办文编号 prefixes. */
export const RECEIPT_SERIES = '收文编号';

export interface RecordRegisterNumberingInput extends RegisterNumbering {
  /** What this step set: the 收文编号's last sequence, and the prefixes named. */
  changed: { lastSequence?: number; lastHandlingSequences: Record<string, number> };
  by: { actor: Actor; onBehalfOf?: Actor };
  /** Workflow time of the step: with the year, it names the step, so a retry appends nothing. */
  at: string;
}

export function createRegisterActivities(db: Database) {
  return {
    async recordRegisterNumbering(input: RecordRegisterNumberingInput): Promise<void> {
      const { year, changed, by, at } = input;
      const series: [string, number][] = [
        ...(changed.lastSequence === undefined
          ? []
          : [[RECEIPT_SERIES, changed.lastSequence] as [string, number]]),
        ...Object.entries(changed.lastHandlingSequences),
      ];
      await db.$transaction(async (tx) => {
        const before = await tx.registerNumbering.findMany({
          where: { year, series: { in: series.map(([name]) => name) } },
        });
        // First in the transaction: the audit entry takes the write lock (core/audit.ts).
        await appendAudit(tx, {
          at: new Date(at),
          actorId: by.actor.userId,
          onBehalfOfId: by.onBehalfOf?.userId ?? null,
          action: 'register.numbering',
          target: String(year),
          before: JSON.stringify(Object.fromEntries(before.map((b) => [b.series, b.lastSequence]))),
          after: JSON.stringify(Object.fromEntries(series)),
          sourceKey: `numbering:${year}:${at}`,
        });
        for (const [name, lastSequence] of series) {
          const row = { lastSequence, setById: by.actor.userId, setAt: new Date(at) };
          await tx.registerNumbering.upsert({
            where: { year_series: { year, series: name } },
            create: { year, series: name, ...row },
            update: row,
          });
        }
      });
    },
  };
}
