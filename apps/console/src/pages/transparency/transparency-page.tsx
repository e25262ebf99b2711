import { type FormEvent, useMemo, useState } from 'react';
import { CATEGORIES, DECISION_ACTIONS, PLATFORMS, SOURCES } from '@vigil/domain/taxonomy';
import { type TransparencyRange, useStatementsExport, useTransparency } from '../../api/queries';
import { ErrorAlert } from '../../components/error-alert';
import { saveBlob } from '../../components/save-blob';
import { type Translate, useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/en';
import { BarChart } from './bar-chart';

const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The default range: the last 30 whole days up to and including today (UTC). */
function defaultRange(): TransparencyRange {
  const tomorrow = Date.parse(isoDay(Date.now())) + DAY_MS;
  return { from: isoDay(tomorrow - 30 * DAY_MS), to: isoDay(tomorrow) };
}

function Counts({ title, rows }: { title: string; rows: { label: string; value: number }[] }) {
  const { t } = useI18n();
  const labels = useMemo(() => rows.map((row) => row.label), [rows]);
  const values = useMemo(() => rows.map((row) => row.value), [rows]);
  return (
    <figure className="figures">
      <figcaption>
        <h3>{title}</h3>
      </figcaption>
      <table>
        <thead>
          <tr>
            <th scope="col">{title}</th>
            <th scope="col">{t('transparency.count')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.label}>
              <td>{row.label}</td>
              <td className="number">{row.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <BarChart labels={labels} values={values} />
    </figure>
  );
}

function rowsOf(t: Translate, keys: readonly string[], prefix: string, counts: Record<string, number>) {
  return keys.map((key) => ({ label: t(`${prefix}${key}` as MessageKey), value: counts[key] ?? 0 }));
}

export function TransparencyPage() {
  const { t } = useI18n();
  const [draft, setDraft] = useState(defaultRange);
  const [range, setRange] = useState(draft);
  const figures = useTransparency(range);
  const download = useStatementsExport();
  const show = (event: FormEvent) => {
    event.preventDefault();
    setRange(draft);
  };
  const save = (event: React.MouseEvent) => {
    event.preventDefault();
    download.mutate(range, {
      onSuccess: (blob) => saveBlob(blob, `statements-of-reasons_${range.from}_${range.to}.ndjson`),
    });
  };
  const data = figures.data;
  const none = t('transparency.noValue');
  const seconds = (value: number | null) => (value === null ? none : t('transparency.seconds', { seconds: value }));
  const headline: [MessageKey, string | number][] = data
    ? [
        ['transparency.reports', data.reports.total],
        ['transparency.opened', data.cases.opened],
        ['transparency.decided', data.cases.decided],
        ['transparency.median', seconds(data.timeToDecision.medianSeconds)],
        ['transparency.p90', seconds(data.timeToDecision.p90Seconds)],
        [
          'transparency.withinHour',
          data.timeToDecision.withinOneHourPct === null
            ? none
            : t('transparency.percent', { value: data.timeToDecision.withinOneHourPct }),
        ],
        ['transparency.filed', data.appeals.filed],
        ['transparency.reversed', data.appeals.reversed],
        ['transparency.slaBreaches', data.slaBreaches],
        ['transparency.migrationsSuspected', data.migrations.suspected],
        ['transparency.migrationsConfirmed', data.migrations.confirmed],
        ['transparency.migrationsRejected', data.migrations.rejected],
        [
          'transparency.hoursToReappear',
          data.migrations.medianHoursToReappear === null
            ? none
            : t('transparency.hours', { hours: data.migrations.medianHoursToReappear }),
        ],
      ]
    : [];
  return (
    <section>
      <h1>{t('transparency.title')}</h1>
      <form className="filters" onSubmit={show}>
        <label>
          {t('transparency.from')}
          <input
            type="date"
            value={draft.from}
            onChange={(e) => setDraft({ ...draft, from: e.target.value })}
            aria-describedby="range-help"
          />
        </label>
        <label>
          {t('transparency.to')}
          <input
            type="date"
            value={draft.to}
            onChange={(e) => setDraft({ ...draft, to: e.target.value })}
            aria-describedby="range-help"
          />
        </label>
        <button type="submit">{t('transparency.show')}</button>
        <p id="range-help" className="help">
          {t('transparency.rangeHelp')}
        </p>
      </form>
      <p>
        <a href={`/v1/exports/statements-of-reasons?from=${range.from}&to=${range.to}`} onClick={save}>
          {t('transparency.download')}
        </a>
      </p>
      <ErrorAlert error={download.error ?? figures.error} />
      {data && (
        <>
          <p>{t('transparency.range', { from: range.from, to: range.to })}</p>
          <dl className="facts">
            {headline.map(([label, value]) => (
              <div key={label}>
                <dt>{t(label)}</dt>
                <dd>{value}</dd>
              </div>
            ))}
          </dl>
          <div className="chart-grid">
            <Counts
              title={t('transparency.decisions')}
              rows={rowsOf(t, DECISION_ACTIONS, 'enum.action.', data.decisions)}
            />
            <Counts
              title={t('transparency.byCategory')}
              rows={rowsOf(t, CATEGORIES, 'enum.category.', data.reports.byCategory)}
            />
            <Counts
              title={t('transparency.bySource')}
              rows={rowsOf(t, SOURCES, 'enum.source.', data.reports.bySource)}
            />
            <Counts
              title={t('transparency.byPlatform')}
              rows={rowsOf(t, PLATFORMS, 'enum.platform.', data.reports.byPlatform)}
            />
          </div>
        </>
      )}
    </section>
  );
}
