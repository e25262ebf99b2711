import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { CASE_STATUSES, CATEGORIES, PLATFORMS } from '@vigil/domain/taxonomy';
import { type CaseFilters, useCases, useClaimNext } from '../../api/queries';
import { ErrorAlert } from '../../components/error-alert';
import { useShortcut } from '../../components/shortcuts';
import { SlaCountdown } from '../../components/sla-countdown';
import { useI18n } from '../../i18n/i18n';
import { hasRole } from '../../session/session-store';
import { useSession } from '../../session/use-session';
import { BulkDecision } from './bulk-decision';

type FilterName = 'status' | 'platform' | 'category';
const FILTERS: {
  name: FilterName;
  label: 'queue.status' | 'queue.platform' | 'queue.category';
  values: readonly string[];
  prefix: string;
}[] = [
  { name: 'status', label: 'queue.status', values: CASE_STATUSES, prefix: 'enum.status.' },
  { name: 'platform', label: 'queue.platform', values: PLATFORMS, prefix: 'enum.platform.' },
  { name: 'category', label: 'queue.category', values: CATEGORIES, prefix: 'enum.category.' },
];

export function QueuePage() {
  const { t } = useI18n();
  const session = useSession();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  // The filters live in the address, so a reload or a shared link shows the same queue.
  const filters: CaseFilters = {};
  for (const { name, values } of FILTERS) {
    const value = params.get(name);
    if (value && values.includes(value)) Object.assign(filters, { [name]: value });
  }
  const cases = useCases(filters);
  const claimNext = useClaimNext();
  const [message, setMessage] = useState('');
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const senior = hasRole(session, 'senior_moderator', 'admin');

  const claim = () => {
    setMessage('');
    // No filter: the API puts cases in the caller's own languages first and falls back to any case (ClaimCase.next);
    // `languages` in the body would narrow the claim to those languages only.
    claimNext.mutate(
      {},
      { onSuccess: (claimed) => (claimed ? navigate(`/cases/${claimed.id}`) : setMessage(t('queue.nothingToClaim'))) },
    );
  };
  const toggle = (id: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    setSelected(next);
  };
  useShortcut('n', claim);
  const rows = cases.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <section>
      <div className="title-row">
        <h1>{t('queue.title')}</h1>
        <button type="button" className="primary" onClick={claim} disabled={claimNext.isPending}>
          {t('queue.claimNext')}
        </button>
      </div>
      <p className="help">{t('shortcuts.hint')}</p>
      <p role="status" className="status-line">
        {message}
      </p>
      <ErrorAlert error={claimNext.error} />
      <fieldset className="filters">
        <legend>{t('queue.filters')}</legend>
        {FILTERS.map(({ name, label, values, prefix }) => (
          <label key={name}>
            {t(label)}
            <select
              value={filters[name] ?? ''}
              onChange={(event) => {
                const next = new URLSearchParams(params);
                if (event.target.value) next.set(name, event.target.value);
                else next.delete(name);
                setParams(next, { replace: true });
              }}
            >
              <option value="">{t('common.any')}</option>
              {values.map((value) => (
                <option key={value} value={value}>
                  {t(`${prefix}${value}` as Parameters<typeof t>[0])}
                </option>
              ))}
            </select>
          </label>
        ))}
      </fieldset>
      {senior && selected.size > 0 && (
        <BulkDecision
          caseIds={[...selected]}
          onDone={(text) => {
            setSelected(new Set());
            setMessage(text);
          }}
        />
      )}
      <ErrorAlert error={cases.error} />
      <table className="cases">
        <caption>{t('queue.caption')}</caption>
        <thead>
          <tr>
            {senior && <th scope="col">{t('queue.select')}</th>}
            <th scope="col">{t('queue.priority')}</th>
            <th scope="col">{t('queue.sla')}</th>
            <th scope="col">{t('queue.channel')}</th>
            <th scope="col">{t('queue.category')}</th>
            <th scope="col">{t('queue.reports')}</th>
            <th scope="col">{t('queue.status')}</th>
            <th scope="col">{t('queue.assignee')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id}>
              {senior && (
                <td>
                  <input
                    type="checkbox"
                    aria-label={t('queue.selectCase', { key: row.channel.key })}
                    checked={selected.has(row.id)}
                    onChange={(e) => toggle(row.id, e.target.checked)}
                  />
                </td>
              )}
              <td className="number">{row.priority}</td>
              <td>
                <SlaCountdown dueAt={row.slaDueAt} />
              </td>
              <td>
                <Link to={`/cases/${row.id}`} dir="auto">
                  {row.channel.key}
                </Link>{' '}
                <span className="muted">{t(`enum.platform.${row.channel.platform}`)}</span>
              </td>
              <td>{t(`enum.category.${row.topCategory}`)}</td>
              <td className="number">
                {row.reportCount}{' '}
                <span className="muted">({t('queue.reporters', { count: row.distinctReporters })})</span>
              </td>
              <td>{t(`enum.status.${row.status}`)}</td>
              <td>
                {row.assigneeId
                  ? row.assigneeId === session?.user.id
                    ? t('queue.assignedToYou')
                    : t('queue.assignedToOther')
                  : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {cases.isPending && <p>{t('common.loading')}</p>}
      {cases.isSuccess && rows.length === 0 && <p>{t('queue.empty')}</p>}
      {cases.hasNextPage && (
        <button type="button" onClick={() => void cases.fetchNextPage()} disabled={cases.isFetchingNextPage}>
          {t('common.loadMore')}
        </button>
      )}
    </section>
  );
}
