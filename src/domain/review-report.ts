/**
 * The readable export of a quality review (like the cycle report): the
 * snapshot's KPIs against their objectives, signals, cycles and causes,
 * then what the reviewers decided and who signed which content. Pure; the
 * API renders it at read time.
 */
import { type KpiSnapshotRow, type ReviewState, pendingSigners } from './review';

const iso = (ms: number | null) => (ms === null ? '—' : new Date(ms).toISOString());

/** A KPI value in its unit: shares as %, minutes and rates with two decimals. */
export function formatKpiValue(row: Pick<KpiSnapshotRow, 'unit'>, value: number | null): string {
  if (value === null) return '—';
  if (row.unit === 'share') return `${Number((value * 100).toFixed(1))} %`;
  if (row.unit === 'count') return String(value);
  return String(Number(value.toFixed(2)));
}

/** Table cells must not break the table: pipes escaped, line breaks flattened. */
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

const metText = (met: boolean | null) => (met === null ? '—' : met ? 'met' : '**missed**');

export function reviewMarkdown(s: ReviewState): string {
  const snap = s.snapshot;
  const p = snap.period;
  const lines = [
    `# Quality review: ${snap.area.name}, ${p.key}`,
    '',
    `Review \`${s.reviewId}\` · area \`${s.areaId}\` (version ${snap.area.version}) · ${p.frequency} period ${p.from} to ${p.to} (${snap.area.timeZone}) · status **${s.status}**`,
    '',
    `Process owner ${s.processOwnerId} · reviewers ${s.reviewerIds.join(', ') || '—'} · created ${iso(s.createdAt)} by ${s.createdBy.id}; data as of ${iso(snap.takenAt)}`,
    '',
    '## KPIs against objectives',
    '',
    '| KPI | value | n | objective | result |',
    '| --- | ---: | ---: | --- | --- |',
    ...snap.kpis.map((k) => {
      const objective = k.objective ? `${k.objective.comparator} ${formatKpiValue(k, k.objective.target)}` : '—';
      return `| ${cell(k.label)} | ${formatKpiValue(k, k.value)} | ${k.n === null ? '—' : Number(k.n.toFixed(2))} | ${objective} | ${metText(k.met)} |`;
    }),
  ];
  const missed = snap.kpis.filter((k) => k.met === false).length;
  const judged = snap.kpis.filter((k) => k.met !== null).length;
  lines.push('', `${judged - missed} of ${judged} objectives with data met.`);

  lines.push('', `## Signals since ${iso(snap.signalsSince)}${snap.previousReviewId ? ` (review ${snap.previousReviewId})` : ''}`, '');
  lines.push(...(snap.signals.length ? snap.signals.map((x) => `- ${iso(x.at)} — trigger ${x.triggerId} v${x.triggerVersion} (${x.subject}, ${x.period}): ${x.outcome === 'opened' ? 'opened' : 'added evidence to'} cycle ${x.cycleId}. ${x.summary}`) : ['- none']));

  const cycleLine = (c: ReviewState['snapshot']['cycles']['open'][number]) => `- \`${c.cycleId}\` ${c.title} (${c.type.toUpperCase()}, ${c.phase}, ${c.status}; owner ${c.ownerId}${c.closedAt ? `; closed ${iso(c.closedAt)}` : ''})`;
  lines.push('', '## Improvement cycles', '', '### Open', '', ...(snap.cycles.open.length ? snap.cycles.open.map(cycleLine) : ['- none']));
  lines.push('', '### Closed since the last review', '', ...(snap.cycles.closedSinceLastReview.length ? snap.cycles.closedSinceLastReview.map(cycleLine) : ['- none']));

  lines.push('', '## Top causes', '');
  if (snap.topCauses.length === 0) lines.push('No resolved complaint of the period has a cause.');
  else {
    lines.push('| cause | complaints | share | cumulative |', '| --- | ---: | ---: | ---: |');
    lines.push(...snap.topCauses.map((c) => `| ${cell(c.label)} (\`${c.cause}\`) | ${c.count} | ${Number((c.share * 100).toFixed(1))} % | ${Number((c.cumulativeShare * 100).toFixed(1))} % |`));
  }

  lines.push('', '## Decisions', '', ...(s.decisions.length ? s.decisions.map((d) => `- ${iso(d.at)} — ${d.text} (${d.by})`) : ['- none yet']));
  lines.push(
    '',
    '## Actions',
    '',
    ...(s.actions.length
      ? s.actions.map((a) => `- ${a.title} — ${a.assigneeId}, due ${iso(a.dueAt)} (added by ${a.by} ${iso(a.at)})${a.cycle ? `; opens ${a.cycle.type.toUpperCase()} cycle \`${a.cycle.cycleId}\` "${a.cycle.title}"${a.cycle.started ? '' : ' (starting)'}` : ''}`)
      : ['- none yet']),
  );

  lines.push('', '## Signatures', '');
  lines.push(
    ...(s.signatures.length
      ? s.signatures.map((x) => `- ${iso(x.at)} — ${x.signerId} (${x.signerRole}) ${x.meaning}${x.comment ? `: "${x.comment}"` : ''}${x.reasons.length ? ` — reasons: ${x.reasons.join('; ')}` : ''} · content sha256 ${x.contentHash}`)
      : ['- none yet']),
  );
  if (s.status === 'signed') lines.push('', `Signed off ${iso(s.signedAt)} by ${s.approvedBy.join(', ')}.`);
  else if (s.status === 'submitted') lines.push('', `Submitted ${iso(s.submission!.at)}; awaiting ${pendingSigners(s).join(', ')}.`);
  else if (s.rejection) lines.push('', `Rejected ${iso(s.rejection.at)} by ${s.rejection.by}: ${s.rejection.reasons.join('; ')}; open again.`);
  return lines.join('\n') + '\n';
}
