/**
 * The improvement board: the cycles the caller may read (GET /cycles, paged,
 * filtered by type in the URL) as cards in columns by phase, PDCA and DMAIC
 * each on their own board. A card shows the title, owner, type, phase, due
 * badges and goal progress. "New cycle" only for a role the permission matrix
 * gives `cycle.create` (and the API refuses anyone else anyway).
 *
 * List items carry no measurements (the API leaves them to GET /cycles/:id),
 * so a card's "now" is the latest evaluated level the item does carry: the
 * PDCA check report's after-mean or the DMAIC pilot's mean; before either the
 * card shows baseline → target only.
 */
import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { scopeOf } from '../../../../src/domain/permissions';
import { api, query } from '../../api';
import { Empty, Loading, ProblemView } from '../../components/States';
import { useUser } from '../../session';
import { DueBadges, GoalProgress, phasesOf } from './parts';
import type { CycleListItem, CyclePage } from './types';

const TYPES = ['pdca', 'dmaic'] as const;
const PAGE = 100;

/** The latest evaluated level a list item carries (see the module comment). */
function nowOf(c: CycleListItem): number | null {
  const pilot = c.artefacts.pilot?.comparison.pilot;
  return c.artefacts.checkReport?.after.mean ?? (pilot && pilot.kind === 'continuous' ? pilot.mean : null);
}

function CycleCard({ c, now }: { c: CycleListItem; now: number }) {
  const { t } = useTranslation('cycles');
  return (
    <li className="cycle-card" data-testid="cycle-card" data-cycle-id={c.id}>
      <h4>
        <Link to={`/cycles/${encodeURIComponent(c.id)}`}>{c.title}</Link>
      </h4>
      <p className="cycle-muted">
        {c.type.toUpperCase()} · {t(`phase.${c.phase}`)}
        {c.status !== 'active' && ` · ${t(`status.${c.status}`)}`} · {t('cycle.owner')} {c.ownerId}
        {c.gate.status === 'pending' && ` · ${t('gate.awaiting', { list: c.gate.pendingApprovers.join(', ') })}`}
      </p>
      <DueBadges cycle={c} now={now} />
      <GoalProgress baseline={c.goal.baseline} target={c.goal.target} now={nowOf(c)} unit={c.goal.unit} label={t('goal.progressOf', { title: c.title })} />
    </li>
  );
}

function TypeBoard({ type, items, now }: { type: 'pdca' | 'dmaic'; items: CycleListItem[]; now: number }) {
  const { t } = useTranslation('cycles');
  const phases = phasesOf(type);
  return (
    <section aria-labelledby={`board-${type}`} className="cycle-board" data-testid={`board-${type}`}>
      <h2 id={`board-${type}`}>{t(`type.${type}`)}</h2>
      <div className="cycle-columns" style={{ gridTemplateColumns: `repeat(${phases.length}, minmax(200px, 1fr))` }}>
        {phases.map((p) => {
          const cards = items.filter((c) => c.type === type && c.phase === p);
          return (
            <div key={p} className="cycle-column" data-phase={p}>
              <h3>
                {t(`phase.${p}`)} <span className="cycle-muted">({cards.length})</span>
              </h3>
              {cards.length === 0 ? (
                <p className="cycle-muted">{t('board.emptyColumn')}</p>
              ) : (
                <ul className="cycle-cards">
                  {cards.map((c) => (
                    <CycleCard key={c.id} c={c} now={now} />
                  ))}
                </ul>
              )}
            </div>
          );
        })}
      </div>
    </section>
  );
}

export default function Board() {
  const { t } = useTranslation('cycles');
  const user = useUser();
  const [params, setParams] = useSearchParams();
  const typeParam = params.get('type');
  const type: 'pdca' | 'dmaic' | undefined = typeParam === 'pdca' || typeParam === 'dmaic' ? typeParam : undefined;
  const closed = params.get('closed') === 'true';
  const list = useInfiniteQuery({
    queryKey: ['cycles', type ?? 'all'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) => api.get<CyclePage>(`/cycles${query({ type, limit: PAGE, cursor: pageParam })}`, { signal }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const canCreate = scopeOf(user.role, 'cycle.create') !== null;
  const now = Date.now();
  const all = list.data?.pages.flatMap((p) => p.items) ?? [];
  const items = closed ? all : all.filter((c) => c.status !== 'abandoned' && c.status !== 'standardized' && c.status !== 'sustained');
  const setParam = (k: string, v: string | null) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    setParams(next, { replace: true });
  };
  return (
    <section>
      <div className="cycle-head">
        <h1>{t('board.title')}</h1>
        {canCreate && (
          <Link className="cycle-button" to="/cycles/new" data-testid="new-cycle">
            {t('board.new')}
          </Link>
        )}
      </div>
      <form className="form-row" onSubmit={(e) => e.preventDefault()} aria-label={t('board.filters')}>
        <label htmlFor="board-type">
          <span>{t('board.type')}</span>
          <select id="board-type" value={type ?? ''} onChange={(e) => setParam('type', e.target.value || null)}>
            <option value="">{t('board.allTypes')}</option>
            {TYPES.map((ty) => (
              <option key={ty} value={ty}>
                {t(`type.${ty}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="cycle-check">
          <input type="checkbox" checked={closed} onChange={(e) => setParam('closed', e.target.checked ? 'true' : null)} />
          {t('board.showClosed')}
        </label>
      </form>
      {list.isPending ? (
        <Loading />
      ) : list.error ? (
        <ProblemView error={list.error} />
      ) : items.length === 0 ? (
        <Empty>{t('board.empty')}</Empty>
      ) : (
        (type ? [type] : TYPES).map((ty: 'pdca' | 'dmaic') => <TypeBoard key={ty} type={ty} items={items} now={now} />)
      )}
      {list.hasNextPage && (
        <button type="button" className="secondary" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
          {t('board.more')}
        </button>
      )}
    </section>
  );
}
