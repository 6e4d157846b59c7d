/**
 * The deadline ladder (催报阶梯): one deadline, the reminders before it, the moment it is missed
 * (逾期), and the formal reminders and escalations after it, each fired once. Any workflow with
 * a deadline owns one: a department's 回报, a rectification's 书面说明/整改方案/整改完成 steps, an
 * objection window (异议期). The deadline can move (延期, a return with a new date); notices
 * still pending move with it, those already sent stay sent unless a new round starts.
 *
 * Workflow code: it only waits on timers and calls the deadline-clock activity, so its history
 * is the same as the loop it was extracted from (the recorded department-task histories replay).
 */
import { condition } from '@temporalio/workflow';
import { patched } from './patches';
import { activities } from './activities';
import type { DayCounting } from './policy';

/** One rung: a stable key (fired once per round) and its offset from the due date in days. */
export interface LadderRung {
  key: string;
  offsetDays: number;
}

export interface ScheduleRequest {
  /** China Standard Time calendar date the clock starts from (e.g. the dispatch date 2017-01-04). */
  startDate?: string;
  /** N of "within N days". Required with startDate. */
  withinDays?: number;
  /** Or an explicit due date (an approved extension or a return-for-revision deadline). Exactly one of startDate+withinDays or dueDate. */
  dueDate?: string;
  counting: DayCounting;
  /** Relative to the due date, negative = before; counted in the same mode. */
  offsets: LadderRung[];
  /** Hour of day, China Standard Time, at which each offset fires (e.g. 9). */
  noticeHour: number;
  /** And the minute of that hour (0 unless the policy names one). */
  noticeMinute?: number;
}

export interface ScheduledNotice {
  key: string;
  /** YYYY-MM-DD, China Standard Time. */
  date: string;
  /** ISO-8601 UTC instant. */
  at: string;
}

export interface Schedule {
  /** Last calendar day on which the step is on time; the due day itself counts. */
  dueDate: string;
  /** ISO UTC instant of dueDate+1 at 00:00 CST (i.e. dueDate 16:00Z). */
  overdueAt: string;
  /** In the order of the offsets given. */
  notices: ScheduledNotice[];
  /** One per year the WORKING computation touched that has no published 放假安排. */
  calendarWarnings: string[];
}

/** The part of a workflow's queryable state the ladder keeps up to date. */
export interface LadderState {
  dueDate?: string;
  overdue: boolean;
  firedNotices: string[];
}

export type Deadline = { dueDate: string } | { startDate: string; withinDays: number };

export interface LadderOptions<R extends LadderRung> {
  rungs: readonly R[];
  counting: DayCounting;
  noticeHour: number;
  noticeMinute?: number;
  /** The workflow's state object: dueDate, overdue and firedNotices are written here. */
  state: LadderState;
}

export interface ChaseHooks<R extends LadderRung> {
  /** True once the deadline no longer matters (the step is done): the chase ends. */
  finished(): boolean;
  /** True while the deadline is owed; false pauses the chase (e.g. a report awaiting review). */
  owing(): boolean;
  /** The deadline has just passed (逾期). */
  onOverdue(schedule: Schedule): Promise<void>;
  /**
   * A rung is due: send its notice (fired once per round; `round` keys the notice). `at` is when
   * the notice reaches people: now, or the rung's instant if it is prepared ahead of it.
   */
  onRung(rung: R, round: number, at: number, schedule: Schedule): Promise<void>;
  /**
   * How long before its instant a rung's notice is prepared (预备提醒; none by default): written then,
   * shown and sent from the instant, so a thousand reminders at 09:00 are not a thousand workflows
   * woken at 09:00 (README "Performance").
   */
  preparedAheadMs?(rung: R): number;
  /**
   * Notices prepared ahead whose instant has not come are no longer due as prepared (the step was
   * taken, the deadline moved, the chase ended): withdraw them. Each fires again if it is still owed.
   */
  withdraw?(notices: PreparedNotice<R>[], reason: WithdrawalReason): Promise<void>;
}

/** A notice prepared ahead of its instant (`at`, epoch ms), in the round that keyed it. */
export interface PreparedNotice<R extends LadderRung> {
  rung: R;
  round: number;
  at: number;
}

/**
 * Why prepared notices are withdrawn: the report is no longer owed, its deadline moved, or the
 * people they were written for changed (a 承办人 改派: they are written again for the new one).
 */
export type WithdrawalReason = 'NOT_OWED' | 'MOVED' | 'READDRESSED';

export class DeadlineLadder<R extends LadderRung> {
  schedule!: Schedule;
  /** Notices fire once per round; a new deadline with `newRound` (a return) starts the next. */
  round = 1;
  private changes = 0;
  private rescheduling = false;
  private moves = 0;
  /** Notices fired ahead of their instant (preparedAheadMs) and not yet due. */
  private prepared: PreparedNotice<R>[] = [];
  /** The running chase's hooks: a step withdraws what it made stale through them. */
  private hooks?: ChaseHooks<R>;
  /** The people the notices go to changed: every prepared notice is to be written again. */
  private readdressed = false;
  /** Prepared notices being written, and withdrawals being written: one waits for the other. */
  private preparing = 0;
  private withdrawing = 0;

  constructor(private readonly opts: LadderOptions<R>) {}

  /** The first deadline: "within N days" of a start date, or a date given. */
  async open(deadline: Deadline): Promise<Schedule> {
    this.schedule = await this.scheduleFrom(deadline);
    this.opts.state.dueDate = this.schedule.dueDate;
    return this.schedule;
  }

  get opened(): boolean {
    return this.opts.state.dueDate !== undefined;
  }

  /**
   * A new deadline (a date, or "within N days" of a start): `newRound` (a return for revision, the
   * next step of a rectification) fires every notice again; otherwise (an approved extension) the
   * notices still pending move and those already sent stay sent.
   */
  async move(deadline: string | Deadline, { newRound }: { newRound: boolean }): Promise<void> {
    const { state } = this.opts;
    // The chase pauses until the new schedule is in: the old one must not fire meanwhile. Two
    // moves in flight (a step taken while the previous one's deadline is computed) land in the
    // order they were asked for: only the latest applies, and the chase waits for it.
    const move = ++this.moves;
    this.rescheduling = true;
    const schedule = await this.scheduleFrom(typeof deadline === 'string' ? { dueDate: deadline } : deadline);
    if (move !== this.moves) return;
    this.schedule = schedule;
    state.dueDate = this.schedule.dueDate;
    state.overdue = false;
    if (newRound) {
      state.firedNotices = [];
      this.round++;
    }
    this.rescheduling = false;
    this.changes++;
  }

  /** The notices' recipients changed (改派承办人): those prepared ahead are written again. */
  readdress(): void {
    if (this.prepared.length) this.readdressed = true;
  }

  /** Something the chase waits on changed (a step taken): it looks again. */
  changed(): void {
    this.changes++;
  }

  /** 催报: until finished, wait for the next rung (or the deadline passing) or a change. */
  async chase(hooks: ChaseHooks<R>): Promise<void> {
    const { state, rungs } = this.opts;
    this.hooks = hooks;
    const rungOf = (key: string) => rungs.find((r) => r.key === key)!;
    // A rung fires when its notice is to be prepared: at its instant, or that much ahead of it.
    const firesAt = (n: ScheduledNotice) => Date.parse(n.at) - (hooks.preparedAheadMs?.(rungOf(n.key)) ?? 0);
    while (!hooks.finished()) {
      if (this.rescheduling) {
        await condition(() => !this.rescheduling);
        continue;
      }
      // A notice is not prepared again while its withdrawal is being written (same key).
      if (this.withdrawing) {
        await condition(() => !this.withdrawing);
        continue;
      }
      if (this.prepared.length && (await this.withdrawStale())) continue;
      const owing = hooks.owing();
      const pending = owing ? this.schedule.notices.filter((n) => !state.firedNotices.includes(n.key)) : [];
      const overdueAt = owing && !state.overdue ? Date.parse(this.schedule.overdueAt) : Infinity;
      const nextAt = Math.min(overdueAt, ...pending.map(firesAt));
      const seen = this.changes;
      if (nextAt > Date.now()) {
        const changedInTime =
          nextAt === Infinity
            ? await condition(() => this.changes !== seen).then(() => true)
            : await condition(() => this.changes !== seen, nextAt - Date.now());
        if (changedInTime || this.rescheduling) continue;
      }
      const now = Date.now();
      if (overdueAt <= now) {
        state.overdue = true;
        await hooks.onOverdue(this.schedule);
      }
      for (const notice of pending.filter((n) => firesAt(n) <= now)) {
        // A step taken or the deadline moved while the last notice went out: look again first, so
        // a rung due at the same instant (an escalation and the breach record) is not sent stale.
        const stale = this.changes !== seen || this.rescheduling || !hooks.owing();
        if (stale && patched('ladder-rechecks-between-rungs')) break;
        const rung = rungOf(notice.key);
        const at = Math.max(now, Date.parse(notice.at));
        state.firedNotices.push(notice.key);
        if (at > now) await this.prepare({ rung, round: this.round, at }, hooks);
        else await hooks.onRung(rung, this.round, at, this.schedule);
      }
    }
    if (this.prepared.length) await this.withdrawStale({ over: true });
  }

  /** A notice written ahead of its instant: a withdrawal waits until it is written. */
  private async prepare(notice: PreparedNotice<R>, hooks: ChaseHooks<R>): Promise<void> {
    this.prepared.push(notice);
    this.preparing++;
    try {
      await hooks.onRung(notice.rung, notice.round, notice.at, this.schedule);
    } finally {
      this.preparing--;
    }
  }

  /** Until no prepared notice nor withdrawal is being written: a step answers after them. */
  async settled(): Promise<void> {
    if (this.preparing || this.withdrawing) await condition(() => !this.preparing && !this.withdrawing);
  }

  /**
   * The notices prepared ahead whose instant has not come, taken off the ladder: the workflow ends
   * (撤办) and withdraws them with its last entry.
   */
  takePrepared(): PreparedNotice<R>[] {
    const prepared = this.notYetDue();
    this.prepared = [];
    return prepared;
  }

  /** The prepared notices whose instant has not come (those whose has are delivered). */
  private notYetDue(): PreparedNotice<R>[] {
    const now = Date.now();
    return this.prepared.filter((p) => p.at > now);
  }

  /**
   * Withdraws the prepared notices that are no longer due as prepared: all of them once the chase
   * is over or the report is not owed, those whose instant moved or whose round ended otherwise.
   * The withdrawn rungs of this round may fire again. True if it withdrew any (it waited on that).
   * The step that made them stale calls it too, so its answer comes once they are withdrawn; the
   * chase finds nothing left then.
   */
  async withdrawStale({ over }: { over?: boolean } = {}): Promise<boolean> {
    const hooks = this.hooks;
    if (!hooks || !this.prepared.length) return false;
    // A notice being written is withdrawn once it is in, not before (its rows would stay).
    if (this.preparing) await condition(() => !this.preparing);
    const readdressed = this.readdressed;
    this.readdressed = false;
    this.prepared = this.notYetDue();
    if (!this.prepared.length) return false;
    const owed = !over && hooks.owing();
    const instant = (key: string) => this.schedule.notices.find((n) => n.key === key)?.at;
    const moved = (p: PreparedNotice<R>) =>
      p.round !== this.round || Date.parse(instant(p.rung.key) ?? '') !== p.at;
    const stale = this.prepared.filter((p) => !owed || readdressed || moved(p));
    if (!stale.length) return false;
    this.prepared = this.prepared.filter((p) => !stale.includes(p));
    const again = stale.filter((p) => p.round === this.round).map((p) => p.rung.key);
    this.opts.state.firedNotices = this.opts.state.firedNotices.filter((key) => !again.includes(key));
    // The chase looks again: a rung withdrawn and still owed is prepared anew.
    this.changes++;
    const reason = !owed ? 'NOT_OWED' : stale.some(moved) ? 'MOVED' : 'READDRESSED';
    this.withdrawing++;
    try {
      await hooks.withdraw!(stale, reason);
    } finally {
      this.withdrawing--;
    }
    return true;
  }

  private scheduleFrom(deadline: Deadline): Promise<Schedule> {
    return activities.computeSchedule({
      ...deadline,
      counting: this.opts.counting,
      offsets: this.opts.rungs.map((r) => ({ key: r.key, offsetDays: r.offsetDays })),
      noticeHour: this.opts.noticeHour,
      noticeMinute: this.opts.noticeMinute,
    });
  }
}
