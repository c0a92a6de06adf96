import { addBusinessMs, businessMsBetween, type BusinessCalendar } from './calendar';

/**
 * SLA clocks: pure bookkeeping of business time against a target.
 *
 * A clock is `running` (runningSince set), `paused` (not running, not stopped)
 * or `stopped` (the target was met or the complaint left the clock's scope).
 * Business time accrued in earlier running segments is kept in `accruedMs`, so
 * pausing, resuming, re-targeting (severity change) and reopening never lose
 * time already spent. All instants are epoch milliseconds; all durations are
 * business milliseconds of the policy's calendar.
 */
export const CLOCK_KINDS = ['first_response', 'next_response', 'resolution'] as const;
export type ClockKind = (typeof CLOCK_KINDS)[number];

export interface SlaClock {
  kind: ClockKind;
  /** 1 for first response and resolution; n for the n-th next-response cycle. */
  cycle: number;
  targetMs: number;
  accruedMs: number;
  runningSince: number | null;
  startedAt: number;
  stoppedAt: number | null;
  /** Warning thresholds (percent) already handled. */
  warned: number[];
  /** The exact business-time deadline at which the clock breached, once it did. */
  breachedAt: number | null;
  /**
   * Business time on the clock when it breached. Escalation steps are measured
   * from here, so a later re-target (e.g. the ladder raising severity) does not
   * pull the remaining steps forward.
   */
  breachElapsedMs: number | null;
  /** How many escalation steps have fired for this clock. */
  escalationsDone: number;
}

export function startClock(kind: ClockKind, cycle: number, targetMs: number, now: number): SlaClock {
  return {
    kind,
    cycle,
    targetMs,
    accruedMs: 0,
    runningSince: now,
    startedAt: now,
    stoppedAt: null,
    warned: [],
    breachedAt: null,
    breachElapsedMs: null,
    escalationsDone: 0,
  };
}

export function elapsedMs(clock: SlaClock, cal: BusinessCalendar, now: number): number {
  if (clock.runningSince === null) return clock.accruedMs;
  return clock.accruedMs + businessMsBetween(cal, clock.runningSince, now);
}

export function isRunning(clock: SlaClock): boolean {
  return clock.runningSince !== null;
}

export function isStopped(clock: SlaClock): boolean {
  return clock.stoppedAt !== null;
}

export function pauseClock(clock: SlaClock, cal: BusinessCalendar, now: number): SlaClock {
  if (clock.runningSince === null) return clock;
  return { ...clock, accruedMs: elapsedMs(clock, cal, now), runningSince: null };
}

export function resumeClock(clock: SlaClock, now: number): SlaClock {
  if (clock.runningSince !== null) return clock;
  return { ...clock, runningSince: now, stoppedAt: null };
}

export function stopClock(clock: SlaClock, cal: BusinessCalendar, now: number): SlaClock {
  if (clock.stoppedAt !== null) return clock;
  return { ...pauseClock(clock, cal, now), stoppedAt: now };
}

/** New target (severity change): accrued time and any recorded breach are kept. */
export function retargetClock(clock: SlaClock, targetMs: number): SlaClock {
  return { ...clock, targetMs };
}

/**
 * The instant at which a running clock reaches `elapsed` business ms, or null
 * when it is not running. An amount already accrued is due at `runningSince`
 * (i.e. immediately).
 */
export function instantAtElapsed(clock: SlaClock, cal: BusinessCalendar, elapsed: number): number | null {
  if (clock.runningSince === null) return null;
  return addBusinessMs(cal, clock.runningSince, Math.max(0, elapsed - clock.accruedMs));
}

export function dueAt(clock: SlaClock, cal: BusinessCalendar): number | null {
  if (clock.breachedAt !== null) return clock.breachedAt;
  return instantAtElapsed(clock, cal, clock.targetMs);
}

export interface ClockMilestone {
  kind: 'warning' | 'breach' | 'escalation';
  at: number;
  /** warning: the threshold percent. */
  threshold?: number;
  /** escalation: index of the step in the ladder. */
  step?: number;
}

/** What is still ahead for a running clock, in time order. */
export function pendingMilestones(
  clock: SlaClock,
  cal: BusinessCalendar,
  warningThresholds: readonly number[],
  escalationOffsetsMs: readonly number[],
): ClockMilestone[] {
  if (clock.runningSince === null) return [];
  const out: ClockMilestone[] = [];
  if (clock.breachedAt === null) {
    for (const threshold of warningThresholds) {
      if (clock.warned.includes(threshold)) continue;
      const at = instantAtElapsed(clock, cal, (clock.targetMs * threshold) / 100);
      if (at !== null) out.push({ kind: 'warning', at, threshold });
    }
    const at = instantAtElapsed(clock, cal, clock.targetMs);
    if (at !== null) out.push({ kind: 'breach', at });
  }
  escalationOffsetsMs.forEach((offset, step) => {
    if (step < clock.escalationsDone) return;
    const at = instantAtElapsed(clock, cal, (clock.breachElapsedMs ?? clock.targetMs) + offset);
    if (at !== null) out.push({ kind: 'escalation', at, step });
  });
  return out.sort((a, b) => a.at - b.at);
}

/** A read-only view of a clock for API consumers. */
export interface ClockStatus {
  kind: ClockKind;
  cycle: number;
  state: 'running' | 'paused' | 'stopped';
  targetBusinessMs: number;
  elapsedBusinessMs: number;
  remainingBusinessMs: number;
  dueAt: number | null;
  breached: boolean;
  breachedAt: number | null;
  warnedThresholds: number[];
  escalationsDone: number;
  startedAt: number;
  stoppedAt: number | null;
}

export function clockStatus(clock: SlaClock, cal: BusinessCalendar, now: number): ClockStatus {
  const elapsed = elapsedMs(clock, cal, now);
  return {
    kind: clock.kind,
    cycle: clock.cycle,
    state: clock.stoppedAt !== null ? 'stopped' : clock.runningSince !== null ? 'running' : 'paused',
    targetBusinessMs: clock.targetMs,
    elapsedBusinessMs: elapsed,
    remainingBusinessMs: clock.targetMs - elapsed,
    dueAt: clock.stoppedAt !== null ? null : dueAt(clock, cal),
    // A stopped clock is judged by what was recorded, not by a target that changed after it stopped.
    breached: clock.breachedAt !== null || (clock.stoppedAt === null && elapsed >= clock.targetMs),
    breachedAt: clock.breachedAt,
    warnedThresholds: [...clock.warned].sort((a, b) => a - b),
    escalationsDone: clock.escalationsDone,
    startedAt: clock.startedAt,
    stoppedAt: clock.stoppedAt,
  };
}
