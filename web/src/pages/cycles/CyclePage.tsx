/**
 * One improvement cycle: goal and baseline vs now, the phase stepper with the
 * gate (what is missing, who still has to sign), action items, the artefacts
 * of each phase with their editors, measurements on a control chart with the
 * Western Electric signals, Pareto, capability, and the check report.
 *
 * Every form is a command the API listed in the view's `availableActions`
 * (judged by the permission matrix and the domain rules); the page decides
 * nothing about who may do what.
 */
import { useQuery } from '@tanstack/react-query';
import { type ReactNode, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import type { CycleCommandType } from '../../../../src/domain/cycle';
import { api } from '../../api';
import { Empty, Loading, ProblemView } from '../../components/States';
import { formatDateTime, formatNumber, formatPercent } from '../../format';
import { ActionForm } from './ActionForm';
import { ACTION_SPECS, FISHBONE, type Section } from './action-specs';
import { CapabilityChart, type CapabilityInput, ControlChart, ParetoChart, SignalTable } from './charts';
import { measurementChart } from './measurement-chart';
import { DueBadges, GoalProgress, PhaseStepper } from './parts';
import type { CycleDetail, CycleReport } from './types';

export default function CyclePage() {
  const { id = '' } = useParams();
  const { t } = useTranslation('cycles');
  const query = useQuery({ queryKey: ['cycle', id], queryFn: ({ signal }) => api.get<CycleDetail>(`/cycles/${encodeURIComponent(id)}`, { signal }) });
  if (query.isPending) return <Loading />;
  if (query.error)
    return (
      <section>
        <h1>{t('cycle.title')}</h1>
        <ProblemView error={query.error} />
        <p>
          <Link to="/cycles">{t('cycle.backToBoard')}</Link>
        </p>
      </section>
    );
  return <CycleView cycle={query.data} />;
}

/** The forms of the available commands among `names` (in the API's order). */
function Forms({ cycle, names, intro }: { cycle: CycleDetail; names: readonly string[]; intro?: Partial<Record<string, (v: Record<string, unknown>) => ReactNode>> }) {
  const actions = cycle.availableActions.filter((a) => names.includes(a.name) && a.name in ACTION_SPECS);
  if (!actions.length) return null;
  return (
    <div className="cycle-forms">
      {actions.map((a) => (
        <ActionForm key={a.name} cycle={cycle} action={a} spec={ACTION_SPECS[a.name as CycleCommandType]} intro={intro?.[a.name]} />
      ))}
    </div>
  );
}

const bySection = (s: Section) => (Object.keys(ACTION_SPECS) as CycleCommandType[]).filter((n) => ACTION_SPECS[n].section === s);

function CycleView({ cycle }: { cycle: CycleDetail }) {
  const { t } = useTranslation('cycles');
  const now = Date.now();
  const goal = cycle.statistics.goal;
  const known = new Set(Object.keys(ACTION_SPECS));
  const unknown = cycle.availableActions.filter((a) => !known.has(a.name));
  return (
    <article className="cycle-page" data-testid="cycle-page" data-cycle-id={cycle.id}>
      <p>
        <Link to="/cycles">{t('cycle.backToBoard')}</Link>
      </p>
      <h1>{cycle.title}</h1>
      <p className="cycle-meta">
        <span className="badge muted">{cycle.type.toUpperCase()}</span> <span data-testid="cycle-phase">{t(`phase.${cycle.phase}`)}</span> · {t(`status.${cycle.status}`)} · {t('cycle.iteration', { n: cycle.iteration })} ·{' '}
        {t('cycle.owner')} {cycle.ownerId} · {t('cycle.sponsor')} {cycle.sponsorId} · {cycle.area} <DueBadges cycle={cycle} now={now} />
      </p>
      <nav aria-label={t('cycle.sections')} className="cycle-toc">
        <a href="#goal">{t('cycle.goal')}</a> <a href="#gate">{t('cycle.gate')}</a> <a href="#items">{t('cycle.items')}</a> <a href="#artefacts">{t('cycle.artefacts')}</a>{' '}
        <a href="#measurements">{t('cycle.measurements')}</a> <a href="#analysis">{t('cycle.analysis')}</a> <a href="#report">{t('cycle.report')}</a>
      </nav>

      <section id="goal" aria-labelledby="goal-h">
        <h2 id="goal-h">{t('cycle.goal')}</h2>
        <p>{cycle.problemStatement}</p>
        <dl className="cycle-dl">
          <dt>{t('goal.metric')}</dt>
          <dd>
            {cycle.goal.metric} ({cycle.goal.unit}, {t(`direction.${cycle.goal.direction}`)}, {t(`metricType.${cycle.goal.metricType}`)})
          </dd>
          <dt>{t('goal.deadline')}</dt>
          <dd>{formatDateTime(cycle.goal.deadline)}</dd>
          <dt>{t('goal.baselineVsNow')}</dt>
          <dd data-testid="goal-now">
            <GoalProgress baseline={goal.baseline} target={goal.target} now={goal.current?.mean} unit={cycle.goal.unit} label={t('goal.progress')} />
            {goal.current && (
              <span>
                {t('goal.currentFrom', { n: goal.current.n, stage: t(`stage.${goal.current.stage}`, { defaultValue: goal.current.stage }) })} · {t('goal.improvement')}{' '}
                {goal.improvementPct === null ? '—' : `${formatNumber(goal.improvementPct, 1)} %`} · {goal.targetMet ? <span className="badge ok">{t('goal.met')}</span> : <span className="badge warn">{t('goal.notMet')}</span>}
              </span>
            )}
          </dd>
        </dl>
      </section>

      <GateSection cycle={cycle} />
      <ItemsSection cycle={cycle} now={now} />
      <ArtefactsSection cycle={cycle} />
      <Forms cycle={cycle} names={bySection('phase')} />
      <MeasurementsSection cycle={cycle} />
      <AnalysisSection cycle={cycle} />
      <ReportSection cycle={cycle} />
      {(cycle.availableActions.some((a) => a.name === 'abandon') || unknown.length > 0) && (
        <section aria-labelledby="close-h">
          <h2 id="close-h">{t('cycle.other')}</h2>
          <Forms cycle={cycle} names={bySection('close')} />
          {unknown.map((a) => (
            <p key={a.name}>
              {a.name}: {a.method} {a.path}
            </p>
          ))}
        </section>
      )}
    </article>
  );
}

function GateSection({ cycle }: { cycle: CycleDetail }) {
  const { t } = useTranslation('cycles');
  const g = cycle.gate;
  return (
    <section id="gate" aria-labelledby="gate-h">
      <h2 id="gate-h">{t('cycle.gate')}</h2>
      <PhaseStepper type={cycle.type} phase={cycle.phase} status={cycle.status} />
      <div className="panel" data-testid="gate-status" data-gate-status={g.status}>
        <p>
          {t('gate.of', { phase: t(`phase.${g.phase}`) })}: <strong>{t(`gateStatus.${g.status}`)}</strong>
          {g.needsApproval ? ` · ${t('gate.approvers', { list: g.approvers.join(', ') })}` : ` · ${t('gate.noApproval')}`}
        </p>
        {g.missing.length > 0 ? (
          <div data-testid="gate-missing">
            <strong>{t('gate.missing')}</strong>
            <ul>
              {g.missing.map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
          </div>
        ) : (
          cycle.status === 'active' && <p data-testid="gate-complete">{t('gate.complete')}</p>
        )}
        {g.status === 'pending' && (
          <p data-testid="gate-pending">
            {t('gate.awaiting', { list: g.pendingApprovers.join(', ') })}
            {g.submittedAt ? ` · ${t('gate.submittedAt', { at: formatDateTime(g.submittedAt), by: g.submittedBy ?? '' })}` : ''}
          </p>
        )}
        {g.status === 'rejected' && g.rejection && (
          <div className="cycle-rejection">
            <strong>{t('gate.rejectedBy', { by: g.rejection.by, at: formatDateTime(g.rejection.at) })}</strong>
            <ul>
              {g.rejection.reasons.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
          </div>
        )}
      </div>
      <Forms
        cycle={cycle}
        names={bySection('gate')}
        intro={{
          sign_gate: (v) => (
            <p className="cycle-meaning" data-testid="sign-meaning">
              {t('gate.meaning', { meaning: t(v.decision === 'reject' ? 'gate.meaningReject' : 'gate.meaningApprove', { phase: t(`phase.${cycle.phase}`) }), hash: (g.artefactHash ?? '').slice(0, 16) })}
            </p>
          ),
        }}
      />
      {cycle.signatures.length > 0 && (
        <>
          <h3>{t('gate.signatures')}</h3>
          <SignatureTable signatures={cycle.signatures} />
        </>
      )}
    </section>
  );
}

function SignatureTable({ signatures }: { signatures: { id?: string; at: string | null; signerId: string; signerRole: string; meaning: string; comment: string; reasons: string[]; artefactHash: string }[] }) {
  const { t } = useTranslation('cycles');
  return (
    <table data-testid="signatures">
      <thead>
        <tr>
          <th scope="col">{t('field.at')}</th>
          <th scope="col">{t('gate.signer')}</th>
          <th scope="col">{t('gate.meaningCol')}</th>
          <th scope="col">{t('field.comment')}</th>
          <th scope="col">{t('gate.hash')}</th>
        </tr>
      </thead>
      <tbody>
        {signatures.map((s, i) => (
          <tr key={s.id ?? i}>
            <td>{formatDateTime(s.at)}</td>
            <td>
              {s.signerId} ({s.signerRole})
            </td>
            <td>{s.meaning}</td>
            <td>
              {s.comment}
              {s.reasons.length > 0 && ` — ${s.reasons.join('; ')}`}
            </td>
            <td>
              <code>{s.artefactHash.slice(0, 16)}…</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ItemsSection({ cycle, now }: { cycle: CycleDetail; now: number }) {
  const { t } = useTranslation('cycles');
  const soonMs = cycle.settings.actionReminders.hoursBeforeDue * 3_600_000;
  return (
    <section id="items" aria-labelledby="items-h">
      <h2 id="items-h">{t('cycle.items')}</h2>
      {cycle.actions.length === 0 ? (
        <Empty>{t('items.none')}</Empty>
      ) : (
        <table data-testid="action-items">
          <thead>
            <tr>
              <th scope="col">{t('items.id')}</th>
              <th scope="col">{t('field.title')}</th>
              <th scope="col">{t('field.assigneeId')}</th>
              <th scope="col">{t('field.dueAt')}</th>
              <th scope="col">{t('items.status')}</th>
            </tr>
          </thead>
          <tbody>
            {cycle.actions.map((a) => {
              const due = Date.parse(a.dueAt);
              return (
                <tr key={a.id}>
                  <td>{a.id}</td>
                  <td>{a.title}</td>
                  <td>{a.assigneeId}</td>
                  <td>
                    {formatDateTime(a.dueAt)}{' '}
                    {a.status === 'open' && due < now && <span className="badge bad">{t('badge.overdue')}</span>}
                    {a.status === 'open' && due >= now && due - now <= soonMs && <span className="badge warn">{t('badge.soon')}</span>}
                  </td>
                  <td>{a.status === 'done' ? t('items.doneAt', { at: formatDateTime(a.completedAt), by: a.completedBy ?? '' }) : t('items.open')}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <Forms cycle={cycle} names={bySection('items')} />
    </section>
  );
}

function List<T>({ items, render, testId }: { items: T[]; render: (x: T) => ReactNode; testId?: string }) {
  const { t } = useTranslation('cycles');
  if (!items.length) return <Empty>{t('artefact.none')}</Empty>;
  return (
    <ul data-testid={testId}>
      {items.map((x, i) => (
        <li key={i}>{render(x)}</li>
      ))}
    </ul>
  );
}

/** One artefact: its heading, what is recorded, and the editors the API offers for it now. */
function Artefact({ title, cycle, commands, children, id }: { title: string; cycle: CycleDetail; commands: string[]; children: ReactNode; id: string }) {
  return (
    <div className="cycle-artefact" data-testid={`artefact-${id}`}>
      <h3>{title}</h3>
      {children}
      <Forms cycle={cycle} names={commands} />
    </div>
  );
}

function ArtefactsSection({ cycle }: { cycle: CycleDetail }) {
  const { t } = useTranslation('cycles');
  const a = cycle.artefacts;
  const fishbone = (
    <Artefact key="fishbone" id="fishbone" title={t('artefact.fishbone')} cycle={cycle} commands={['add_fishbone_cause']}>
      <table className="cycle-fishbone">
        <caption className="visually-hidden">{t('artefact.fishbone')}</caption>
        <thead>
          <tr>
            {FISHBONE.map((c) => (
              <th key={c} scope="col">
                {t(`fishbone.${c}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr>
            {FISHBONE.map((c) => (
              <td key={c}>
                <ul>
                  {a.fishbone
                    .filter((f) => f.category === c)
                    .map((f) => (
                      <li key={f.id}>{f.cause}</li>
                    ))}
                </ul>
              </td>
            ))}
          </tr>
        </tbody>
      </table>
    </Artefact>
  );
  const fiveWhys = (
    <Artefact key="fiveWhys" id="five-whys" title={t('artefact.fiveWhys')} cycle={cycle} commands={['add_five_whys']}>
      <List
        items={a.fiveWhys}
        render={(w) => (
          <>
            <strong>{w.problem}</strong>
            <ol>
              {w.whys.map((y, i) => (
                <li key={i}>{y}</li>
              ))}
            </ol>
            {t('field.rootCause')}: {w.rootCause}
          </>
        )}
      />
    </Artefact>
  );
  const pdca = [
    fiveWhys,
    fishbone,
    <Artefact key="cm" id="countermeasures" title={t('artefact.countermeasures')} cycle={cycle} commands={['add_countermeasure']}>
      <List items={a.countermeasures} render={(m) => `${m.description}${m.rootCause ? ` (${t('field.rootCause')}: ${m.rootCause})` : ''}`} />
    </Artefact>,
    <Artefact key="standard" id="standard" title={t('artefact.standard')} cycle={cycle} commands={[]}>
      {a.standard ? (
        <p>
          {a.standard.description} · {t('field.trainees')}: {a.standard.trainees.join(', ')} · {formatDateTime(a.standard.at)}
          {a.effectiveness && ` · ${t('artefact.effectiveness', { result: a.effectiveness.result, until: formatDateTime(a.effectiveness.windowEndsAt) })}`}
        </p>
      ) : (
        <Empty>{t('artefact.none')}</Empty>
      )}
    </Artefact>,
  ];
  const c = a.charter;
  const dmaic = [
    <Artefact key="charter" id="charter" title={t('artefact.charter')} cycle={cycle} commands={['update_charter']}>
      {c ? (
        <>
          <dl className="cycle-dl">
            <dt>{t('field.problem')}</dt>
            <dd>{c.problem}</dd>
            <dt>{t('field.businessCase')}</dt>
            <dd>{c.businessCase}</dd>
            <dt>{t('field.scopeIn')}</dt>
            <dd>{c.scopeIn.join('; ') || '—'}</dd>
            <dt>{t('field.scopeOut')}</dt>
            <dd>{c.scopeOut.join('; ') || '—'}</dd>
            <dt>{t('field.milestones')}</dt>
            <dd>{c.milestones.map((m) => `${t(`phase.${m.phase}`)} ${formatDateTime(m.due)}`).join('; ') || '—'}</dd>
          </dl>
          <SimpleTable caption={t('field.ctqs')} columns={['name', 'measure', 'specification']} rows={c.ctqs} />
          <SimpleTable caption={t('field.sipoc')} columns={['supplier', 'input', 'process', 'output', 'customer']} rows={c.sipoc} />
        </>
      ) : (
        <Empty>{t('artefact.none')}</Empty>
      )}
    </Artefact>,
    <Artefact key="dcp" id="data-collection" title={t('artefact.dataCollectionPlan')} cycle={cycle} commands={['set_data_collection_plan']}>
      <SimpleTable caption={t('artefact.dataCollectionPlan')} columns={['metric', 'operationalDefinition', 'source', 'sampleSize', 'frequency']} rows={a.dataCollectionPlan} />
    </Artefact>,
    <Artefact key="baseline" id="baseline" title={t('artefact.baseline')} cycle={cycle} commands={['set_baseline']}>
      {a.baseline ? <StatsLine stats={a.baseline.stats} /> : <Empty>{t('artefact.none')}</Empty>}
    </Artefact>,
    <Artefact key="pareto" id="pareto" title={t('artefact.defectPareto')} cycle={cycle} commands={['set_defect_categories']}>
      {a.defectPareto ? <p>{a.defectPareto.rows.map((r) => `${r.category} ${r.count}`).join(' · ')}</p> : <Empty>{t('artefact.none')}</Empty>}
    </Artefact>,
    fishbone,
    fiveWhys,
    <Artefact key="rc" id="root-causes" title={t('artefact.rootCauses')} cycle={cycle} commands={['add_root_cause', 'verify_root_cause']}>
      <List
        items={a.rootCauses}
        render={(r) => (
          <>
            {r.id} · {r.cause} · {r.verified ? <span className="badge ok">{t('artefact.verified')}</span> : <span className="badge muted">{t('artefact.unverified')}</span>}
            {r.evidence && ` — ${r.evidence}`}
          </>
        )}
      />
    </Artefact>,
    <Artefact key="solutions" id="solutions" title={t('artefact.solutions')} cycle={cycle} commands={['add_solution']}>
      <List items={a.solutions} render={(s) => `${s.description}${s.rootCauseIds.length ? ` (${s.rootCauseIds.join(', ')})` : ''}`} />
    </Artefact>,
    <Artefact key="fmea" id="fmea" title={t('artefact.fmea')} cycle={cycle} commands={['add_fmea_row']}>
      <SimpleTable
        caption={t('artefact.fmea')}
        columns={['failureMode', 'effect', 'cause', 'severity', 'occurrence', 'detection', 'rpn', 'recommendedAction']}
        rows={[...a.fmea].sort((x, y) => y.rpn - x.rpn)}
      />
    </Artefact>,
    <Artefact key="pilot" id="pilot" title={t('artefact.pilot')} cycle={cycle} commands={['set_pilot_data']}>
      {a.pilot ? (
        <p>
          <StatsLine stats={a.pilot.comparison.pilot} /> {t('goal.improvement')} {a.pilot.comparison.improvementPct === null ? '—' : `${formatNumber(a.pilot.comparison.improvementPct, 1)} %`} · <TestLine test={a.pilot.comparison.test} />
        </p>
      ) : (
        <Empty>{t('artefact.none')}</Empty>
      )}
    </Artefact>,
    <Artefact key="control" id="control-plan" title={t('artefact.controlPlan')} cycle={cycle} commands={['set_control_plan']}>
      {a.controlPlan ? (
        <p>
          {a.controlPlan.metric} · {t('chart.center')} {formatNumber(a.controlPlan.limits.center, 4)} · {t('chart.ucl')} {formatNumber(a.controlPlan.limits.ucl, 4)} · {t('chart.lcl')}{' '}
          {formatNumber(a.controlPlan.limits.lcl, 4)} · {t('field.processOwnerId')} {a.controlPlan.processOwnerId} · {a.controlPlan.reactionPlan}
        </p>
      ) : (
        <Empty>{t('artefact.none')}</Empty>
      )}
    </Artefact>,
  ];
  return (
    <section id="artefacts" aria-labelledby="artefacts-h">
      <h2 id="artefacts-h">{t('cycle.artefacts')}</h2>
      {cycle.type === 'pdca' ? pdca : dmaic}
    </section>
  );
}

function SimpleTable({ caption, columns, rows }: { caption: string; columns: string[]; rows: object[] }) {
  const { t } = useTranslation('cycles');
  if (!rows.length) return <Empty>{t('artefact.none')}</Empty>;
  return (
    <table>
      <caption>{caption}</caption>
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c} scope="col">
              {t(`field.${c}`)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={i}>
            {columns.map((c) => {
              const v = (r as Record<string, unknown>)[c];
              return <td key={c}>{v === null || v === undefined ? '—' : String(v)}</td>;
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

type Stats = CycleDetail['statistics']['baseline'];

function StatsLine({ stats }: { stats: NonNullable<Stats> }) {
  const { t } = useTranslation('cycles');
  if (stats.kind === 'discrete')
    return (
      <span>
        DPMO {formatNumber(stats.dpmo, 1)} · {t('stats.yield')} {formatPercent(stats.yield, 2)} · {t('stats.sigma')} {formatNumber(stats.sigmaLevel, 2)}
      </span>
    );
  return (
    <span>
      n {stats.n} · {t('stats.mean')} {formatNumber(stats.mean, 4)} · {t('stats.sd')} {formatNumber(stats.sd, 4)} · Cp {formatNumber(stats.cp, 2)} · Cpk {formatNumber(stats.cpk, 2)}
    </span>
  );
}

function TestLine({ test }: { test: { name: string; pValue?: number; significant?: boolean; reason?: string } }) {
  const { t } = useTranslation('cycles');
  if (test.name === 'none') return <span>{t('stats.noTest', { reason: test.reason ?? '' })}</span>;
  return (
    <span>
      {test.name}: p = {formatNumber(test.pValue, 4)} ({test.significant ? t('stats.significant') : t('stats.notSignificant')})
    </span>
  );
}

function MeasurementsSection({ cycle }: { cycle: CycleDetail }) {
  const { t } = useTranslation('cycles');
  const data = useMemo(() => measurementChart(cycle), [cycle]);
  const recent = cycle.measurements.slice(-10).reverse();
  return (
    <section id="measurements" aria-labelledby="measurements-h">
      <h2 id="measurements-h">{t('cycle.measurements')}</h2>
      {cycle.measurements.length === 0 ? (
        <Empty>{t('chart.noMeasurements')}</Empty>
      ) : (
        <>
          <p className="cycle-muted" data-testid="chart-source">
            {data.source === 'control-plan'
              ? t('chart.sourcePlan')
              : t(data.kind === 'p' ? 'chart.sourceComputedP' : 'chart.sourceComputed', {
                  from: data.baseline?.from ?? '—',
                  to: data.baseline?.to ?? '—',
                })}
            {data.status === 'insufficient' && ` ${t('chart.insufficient', { reason: data.reason })}`}
          </p>
          <ControlChart data={data} unit={cycle.goal.unit} />
          <h3>{t('chart.signals')}</h3>
          <SignalTable data={data} />
          <h3>{t('chart.recent', { n: recent.length, total: cycle.measurementCount })}</h3>
          <table data-testid="recent-measurements">
            <thead>
              <tr>
                <th scope="col">{t('chart.seq')}</th>
                <th scope="col">{t('field.at')}</th>
                <th scope="col">{t('chart.stage')}</th>
                <th scope="col">{t('field.value')}</th>
                <th scope="col">{t('field.note')}</th>
              </tr>
            </thead>
            <tbody>
              {recent.map((m) => (
                <tr key={m.seq}>
                  <td>{m.seq}</td>
                  <td>{formatDateTime(m.at)}</td>
                  <td>{t(`stage.${m.stage}`, { defaultValue: m.stage })}</td>
                  <td>
                    {formatNumber(m.value, 4)}
                    {m.sampleSize !== null && ` (n ${m.sampleSize})`}
                  </td>
                  <td>{m.note ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <Forms cycle={cycle} names={bySection('measurements')} />
    </section>
  );
}

/** Capability data from the API's DMAIC baseline or pilot (continuous data with spec limits). */
function capabilityOf(cycle: CycleDetail): { which: 'baseline' | 'pilot'; input: CapabilityInput; cp: number | null; cpk: number | null; pp: number | null; ppk: number | null }[] {
  const out = [];
  for (const which of ['baseline', 'pilot'] as const) {
    const art = cycle.artefacts[which];
    const stats = which === 'baseline' ? cycle.artefacts.baseline?.stats : cycle.artefacts.pilot?.comparison.pilot;
    if (!art || !stats || art.input.kind !== 'continuous' || stats.kind !== 'continuous') continue;
    out.push({ which, input: { values: art.input.values, lsl: stats.lsl, usl: stats.usl, mean: stats.mean }, cp: stats.cp, cpk: stats.cpk, pp: stats.pp, ppk: stats.ppk });
  }
  return out;
}

function AnalysisSection({ cycle }: { cycle: CycleDetail }) {
  const { t } = useTranslation('cycles');
  const rows = cycle.statistics.pareto;
  const capability = capabilityOf(cycle);
  return (
    <section id="analysis" aria-labelledby="analysis-h">
      <h2 id="analysis-h">{t('cycle.analysis')}</h2>
      <h3>{t('analysis.pareto')}</h3>
      {rows && rows.length > 0 ? (
        <>
          <ParetoChart rows={rows} />
          <table data-testid="pareto-table">
            <caption className="visually-hidden">{t('analysis.pareto')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('field.category')}</th>
                <th scope="col">{t('chart.count')}</th>
                <th scope="col">%</th>
                <th scope="col">{t('chart.cumulative')}</th>
                <th scope="col">{t('analysis.vital')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.category}>
                  <td>{r.category}</td>
                  <td>{r.count}</td>
                  <td>{formatNumber(r.percentage, 1)}</td>
                  <td>{formatNumber(r.cumulativePercentage, 1)}</td>
                  <td>{r.vital ? '✓' : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : (
        <Empty>{t('analysis.noPareto')}</Empty>
      )}
      <h3>{t('analysis.capability')}</h3>
      {capability.length === 0 ? (
        <Empty>{t('analysis.noCapability')}</Empty>
      ) : (
        capability.map((c) => (
          <div key={c.which} data-testid={`capability-${c.which}`}>
            <h4>{t(`artefact.${c.which}`)}</h4>
            <CapabilityChart input={c.input} unit={cycle.goal.unit} />
            <p>
              Cp {formatNumber(c.cp, 2)} · Cpk {formatNumber(c.cpk, 2)} · Pp {formatNumber(c.pp, 2)} · Ppk {formatNumber(c.ppk, 2)} · LSL {formatNumber(c.input.lsl, 4)} · USL {formatNumber(c.input.usl, 4)}
            </p>
          </div>
        ))
      )}
    </section>
  );
}

function ReportSection({ cycle }: { cycle: CycleDetail }) {
  const { t } = useTranslation('cycles');
  // Keyed by the cycle's version: a new version (any command) reads the report again.
  const report = useQuery({
    queryKey: ['cycle-report', cycle.id, cycle.version],
    queryFn: ({ signal }) => api.get<CycleReport>(`/cycles/${encodeURIComponent(cycle.id)}/report`, { signal }),
  });
  return (
    <section id="report" aria-labelledby="report-h" data-testid="check-report">
      <h2 id="report-h">{t('cycle.report')}</h2>
      <p>
        <a href={`/cycles/${encodeURIComponent(cycle.id)}/report?format=markdown`}>{t('report.markdown')}</a>
      </p>
      {report.isPending ? (
        <Loading />
      ) : report.error ? (
        <ProblemView error={report.error} />
      ) : (
        <>
          <h3>{t('report.check')}</h3>
          {report.data.statistics.checkReport ? (
            <dl className="cycle-dl" data-testid="report-check">
              <dt>{t('report.before')}</dt>
              <dd>
                {formatNumber(report.data.statistics.checkReport.baseline.mean, 4)} (n {report.data.statistics.checkReport.baseline.n}, {t(`report.source.${report.data.statistics.checkReport.baseline.source}`)})
              </dd>
              <dt>{t('report.after')}</dt>
              <dd>
                {formatNumber(report.data.statistics.checkReport.after.mean, 4)} (n {report.data.statistics.checkReport.after.n})
              </dd>
              <dt>{t('goal.improvement')}</dt>
              <dd>{report.data.statistics.checkReport.improvementPct === null ? '—' : `${formatNumber(report.data.statistics.checkReport.improvementPct, 1)} %`}</dd>
              <dt>{t('report.goal')}</dt>
              <dd>{report.data.statistics.checkReport.goalMet ? t('goal.met') : t('goal.notMet')}</dd>
              <dt>{t('report.test')}</dt>
              <dd>
                <TestLine test={report.data.statistics.checkReport.test} />
              </dd>
            </dl>
          ) : (
            <Empty>{t('report.noCheck')}</Empty>
          )}
          <h3>{t('report.decisions')}</h3>
          <List items={report.data.decisions} render={(d) => `${formatDateTime(d.at)} — ${d.decision} (${d.by})${d.detail ? `: ${d.detail}` : ''}`} />
          <h3>{t('gate.signatures')}</h3>
          {report.data.signatures.length ? <SignatureTable signatures={report.data.signatures} /> : <Empty>{t('report.noSignatures')}</Empty>}
        </>
      )}
    </section>
  );
}
