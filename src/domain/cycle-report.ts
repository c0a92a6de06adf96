/**
 * Read-side views of a cycle computed from its state: live statistics, and
 * the readable report (goal, baseline vs now, statistics, decisions,
 * signatures) as data and as Markdown. Pure; the API calls it at read time.
 */
import type { CycleState, Measurement } from './cycle';
import { isCycleClosed, missingArtefacts, gateNeedsApproval } from './cycle';
import { improvementPct, meetsTarget, seriesMean } from './cycle-analysis';
import { mean, median, sampleStdDev } from './statistics';

export interface SeriesSummary {
  n: number;
  mean: number;
  sd: number | null;
  median: number;
  min: number;
  max: number;
}

function summarise(values: number[]): SeriesSummary | null {
  if (values.length === 0) return null;
  return {
    n: values.length,
    mean: mean(values),
    sd: values.length >= 2 ? sampleStdDev(values) : null,
    median: median(values),
    min: Math.min(...values),
    max: Math.max(...values),
  };
}

/** The goal's metric now: the mean of the latest stage that has measurements (the current state of the process). */
export function currentLevel(s: CycleState): { stage: Measurement['stage']; iteration: number; n: number; mean: number } | null {
  const last = s.measurements[s.measurements.length - 1];
  if (!last) return null;
  const recent = s.measurements.filter((m) => m.iteration === last.iteration && m.stage === last.stage);
  const points = recent.map((m) => (m.sampleSize === null ? { value: m.value } : { value: m.value, sampleSize: m.sampleSize }));
  return { stage: last.stage, iteration: last.iteration, n: recent.length, mean: seriesMean(s.goal.metricType, points) };
}

export function gateStatus(s: CycleState) {
  const open = !isCycleClosed(s) && s.status === 'active';
  return {
    ...s.gate,
    missing: open ? missingArtefacts(s) : [],
    needsApproval: gateNeedsApproval(s.gate.phase),
    approvers: s.settings.approvers,
    pendingApprovers: s.gate.status === 'pending' ? s.settings.approvers.filter((u) => !s.gate.approvedBy.includes(u)) : [],
  };
}

export function cycleStatistics(s: CycleState) {
  const byStage = new Map<string, number[]>();
  for (const m of s.measurements) {
    const key = `${m.iteration}:${m.stage}`;
    byStage.set(key, [...(byStage.get(key) ?? []), m.value]);
  }
  const now = currentLevel(s);
  return {
    measurements: summarise(s.measurements.map((m) => m.value)),
    byStage: [...byStage.entries()].map(([key, values]) => {
      const [iteration, stage] = key.split(':');
      return { iteration: Number(iteration), stage, ...summarise(values)! };
    }),
    goal: {
      baseline: s.goal.baseline,
      target: s.goal.target,
      current: now,
      improvementPct: now ? improvementPct(s.goal.direction, s.goal.baseline, now.mean) : null,
      targetMet: now ? meetsTarget(s.goal, now.mean) : null,
    },
    checkReport: s.artefacts.checkReport,
    baseline: s.artefacts.baseline?.stats ?? null,
    pilot: s.artefacts.pilot?.comparison ?? null,
    pareto: s.artefacts.defectPareto?.rows ?? null,
    control: s.artefacts.controlPlan
      ? {
          limits: s.artefacts.controlPlan.limits,
          monitoring: s.monitoring && {
            periodsCompleted: s.monitoring.periodsCompleted,
            inControlPeriods: s.monitoring.inControlPeriods,
            sustainPeriods: s.settings.control.sustainPeriods,
            points: s.monitoring.pointsTotal,
            signals: s.monitoring.signals,
          },
        }
      : null,
  };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The readable summary an auditor or a steering committee reads. */
export function cycleReport(s: CycleState) {
  const stats = cycleStatistics(s);
  return {
    cycleId: s.cycleId,
    type: s.type,
    title: s.title,
    area: s.area,
    status: s.status,
    phase: s.phase,
    iteration: s.iteration,
    owner: s.ownerId,
    sponsor: s.sponsorId,
    goal: { ...s.goal, deadline: iso(s.goal.deadline) },
    baselineVsNow: stats.goal,
    statistics: {
      checkReport: stats.checkReport,
      baseline: stats.baseline,
      pilot: stats.pilot,
      pareto: stats.pareto,
      control: stats.control,
      measurements: stats.measurements,
    },
    decisions: [
      ...s.lineage.map((l) => ({ at: iso(l.endedAt), decision: `iteration ${l.iteration} ended; next iteration started`, by: s.ownerId, detail: l.learnings })),
      ...(s.artefacts.checkReview ? [{ at: iso(s.artefacts.checkReview.at), decision: 'check report reviewed', by: s.artefacts.checkReview.by, detail: s.artefacts.checkReview.comment }] : []),
      ...(s.artefacts.standard ? [{ at: iso(s.artefacts.standard.at), decision: 'standardized', by: s.artefacts.standard.by, detail: s.artefacts.standard.description }] : []),
      ...(s.artefacts.effectiveness?.evaluatedAt ? [{ at: iso(s.artefacts.effectiveness.evaluatedAt), decision: `effectiveness check ${s.artefacts.effectiveness.result}`, by: 'system', detail: s.artefacts.effectiveness.reason ?? '' }] : []),
      ...(s.closure ? [{ at: iso(s.closedAt), decision: `closed as ${s.status}`, by: s.closure.by, detail: s.closure.reason }] : []),
    ],
    signatures: s.signatures.map((sig) => ({ ...sig, at: iso(sig.at) })),
    lineage: s.lineage.map((l) => ({ iteration: l.iteration, runId: l.runId, startedAt: iso(l.startedAt), endedAt: iso(l.endedAt), learnings: l.learnings, goalMet: l.checkReport?.goalMet ?? null })),
    linkedCycles: s.linkedCycles.map((l) => l.cycleId),
    parentCycleId: s.parentCycleId,
  };
}

const fmt = (x: number | null | undefined, digits = 3) => (x === null || x === undefined ? '—' : Number(x.toFixed(digits)).toString());

export function reportMarkdown(s: CycleState): string {
  const r = cycleReport(s);
  const g = r.goal;
  const lines = [
    `# ${r.title}`,
    '',
    `${r.type.toUpperCase()} cycle \`${r.cycleId}\` · ${r.area} · status **${r.status}** (phase ${r.phase}, iteration ${r.iteration}) · owner ${r.owner} · sponsor ${r.sponsor}`,
    '',
    '## Goal',
    '',
    `${g.metric} (${g.unit}, ${g.direction.replace(/_/g, ' ')}): baseline ${g.baseline} → target ${g.target} by ${g.deadline}`,
    '',
    '## Baseline vs now',
    '',
    r.baselineVsNow.current
      ? `Now ${fmt(r.baselineVsNow.current.mean)} (mean of ${r.baselineVsNow.current.n} measurements, ${r.baselineVsNow.current.stage}); improvement ${fmt(r.baselineVsNow.improvementPct, 1)} %; target ${r.baselineVsNow.targetMet ? 'met' : 'not met'}.`
      : 'No measurements yet.',
  ];
  const c = r.statistics.checkReport;
  if (c) {
    const test = c.test.name === 'none' ? `no significance test (${c.test.reason})` : `${c.test.name}: statistic ${fmt(c.test.statistic)}, p = ${fmt(c.test.pValue, 4)} (${c.test.significant ? 'significant' : 'not significant'} at α = ${c.test.alpha})`;
    lines.push('', '## Check', '', `Baseline ${fmt(c.baseline.mean)} (${c.baseline.source}, n = ${c.baseline.n}) → after ${fmt(c.after.mean)} (n = ${c.after.n}); improvement ${fmt(c.improvementPct, 1)} %; goal ${c.goalMet ? 'met' : 'not met'}; ${test}.`);
  }
  const b = r.statistics.baseline;
  if (b) {
    lines.push('', '## Baseline (Measure)', '', b.kind === 'discrete' ? `DPMO ${fmt(b.dpmo, 1)}, yield ${fmt(b.yield * 100, 2)} %, sigma level ${fmt(b.sigmaLevel, 2)}` : `mean ${fmt(b.mean)}, sd ${fmt(b.sd)}, n ${b.n}, Cp ${fmt(b.cp, 2)}, Cpk ${fmt(b.cpk, 2)}`);
  }
  const ctl = r.statistics.control;
  if (ctl) {
    lines.push('', '## Control', '', `I chart: centre ${fmt(ctl.limits.center)}, UCL ${fmt(ctl.limits.ucl)}, LCL ${fmt(ctl.limits.lcl)}` + (ctl.monitoring ? `; ${ctl.monitoring.points} points monitored, ${ctl.monitoring.signals.length} signals, ${ctl.monitoring.inControlPeriods}/${ctl.monitoring.sustainPeriods} in-control periods` : ''));
  }
  lines.push('', '## Decisions', '', ...(r.decisions.length ? r.decisions.map((d) => `- ${d.at} — ${d.decision} (${d.by})${d.detail ? `: ${d.detail}` : ''}`) : ['- none yet']));
  lines.push('', '## Signatures', '', ...(r.signatures.length ? r.signatures.map((x) => `- ${x.at} — ${x.signerId} (${x.signerRole}) ${x.meaning}${x.comment ? `: "${x.comment}"` : ''}${x.reasons.length ? ` — reasons: ${x.reasons.join('; ')}` : ''} · artefacts sha256 ${x.artefactHash.slice(0, 16)}…`) : ['- none yet']));
  return lines.join('\n') + '\n';
}
