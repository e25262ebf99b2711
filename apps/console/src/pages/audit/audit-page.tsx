import { type FormEvent, useEffect, useState } from 'react';
import { verifyEventInclusion } from '@vigil/audit/audit-log-verifier';
import { decodeBase64 } from '@vigil/audit/tree-checkpoint';
import {
  type AuditFilters,
  type EventProof,
  useAuditEvents,
  useLatestCheckpoint,
  useProveEvent,
  useVerifyAudit,
} from '../../api/queries';
import { ApiError } from '../../api/errors';
import { ErrorAlert } from '../../components/error-alert';
import { useI18n } from '../../i18n/i18n';
import { verifyCheckpoint } from './checkpoint-signature';

/** A datetime-local value (the browser's time zone) as the ISO 8601 instant the API expects. */
function toIso(local: string): string | undefined {
  return local ? new Date(local).toISOString() : undefined;
}

export function AuditPage() {
  const { t, formatTime } = useI18n();
  const [draft, setDraft] = useState({ action: '', from: '', to: '' });
  const [filters, setFilters] = useState<AuditFilters>({});
  const events = useAuditEvents(filters);
  const verify = useVerifyAudit();
  const apply = (event: FormEvent) => {
    event.preventDefault();
    setFilters({
      ...(draft.action.trim() ? { action: draft.action.trim() } : {}),
      ...(draft.from ? { from: toIso(draft.from) } : {}),
      ...(draft.to ? { to: toIso(draft.to) } : {}),
    });
  };
  const rows = events.data?.pages.flatMap((page) => page.items) ?? [];
  const verdict = verify.data;
  const prove = useProveEvent();
  const proof = prove.data ? checkProof(prove.data) : null;
  return (
    <section>
      <h1>{t('audit.title')}</h1>
      <div className="buttons">
        <button type="button" onClick={() => verify.mutate()} disabled={verify.isPending}>
          {t('audit.verify')}
        </button>
      </div>
      <p role="status" className="status-line">
        {verdict &&
          (verdict.ok
            ? t('audit.verifyOk', { checked: verdict.checked, headSeq: verdict.headSeq ?? 0 })
            : t('audit.verifyBad', { seq: verdict.firstInvalidSeq ?? '?', checked: verdict.checked }))}
      </p>
      <ErrorAlert error={verify.error} />
      <LatestCheckpoint />
      <p role="status" className={proof?.ok === false ? 'error status-line' : 'status-line'}>
        {proof &&
          (proof.ok
            ? t('audit.proofOk', { seq: proof.seq, size: proof.treeSize })
            : t('audit.proofBad', { seq: proof.seq, reason: proof.reason }))}
      </p>
      <ErrorAlert error={prove.error} />
      <form className="filters" onSubmit={apply}>
        <label>
          {t('audit.action')}
          <input
            value={draft.action}
            placeholder="case.claimed"
            onChange={(e) => setDraft({ ...draft, action: e.target.value })}
            dir="ltr"
          />
        </label>
        <label>
          {t('audit.from')}
          <input
            type="datetime-local"
            value={draft.from}
            onChange={(e) => setDraft({ ...draft, from: e.target.value })}
          />
        </label>
        <label>
          {t('audit.to')}
          <input type="datetime-local" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
        </label>
        <button type="submit">{t('audit.apply')}</button>
      </form>
      <ErrorAlert error={events.error} />
      <table>
        <thead>
          <tr>
            <th scope="col">{t('audit.seq')}</th>
            <th scope="col">{t('audit.time')}</th>
            <th scope="col">{t('audit.actor')}</th>
            <th scope="col">{t('audit.action')}</th>
            <th scope="col">{t('audit.target')}</th>
            <th scope="col">{t('audit.proof')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((event) => (
            <tr key={event.id}>
              <td className="number">{event.seq ?? t('audit.unsealed')}</td>
              <td>
                <time dateTime={event.occurredAt}>{formatTime(event.occurredAt)}</time>
              </td>
              <td>
                {event.actor.role}
                {event.actor.id && <span className="muted"> {event.actor.id.slice(0, 8)}</span>}
              </td>
              <td>
                <code>{event.action}</code>
              </td>
              <td>
                {event.target.type} <span className="muted">{event.target.id.slice(0, 8)}</span>
              </td>
              <td>
                {event.seq !== null && (
                  <button
                    type="button"
                    aria-label={`${t('audit.prove')} ${event.seq}`}
                    onClick={() => prove.mutate(Number(event.seq))}
                    disabled={prove.isPending}
                  >
                    {t('audit.prove')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {events.hasNextPage && (
        <button type="button" onClick={() => void events.fetchNextPage()} disabled={events.isFetchingNextPage}>
          {t('common.loadMore')}
        </button>
      )}
    </section>
  );
}

function LatestCheckpoint() {
  const { t, formatTime } = useI18n();
  const checkpoint = useLatestCheckpoint();
  const [verified, setVerified] = useState<boolean | 'unsupported' | null>(null);
  useEffect(() => {
    if (!checkpoint.data) return;
    let live = true;
    verifyCheckpoint(checkpoint.data).then(
      (ok) => live && setVerified(ok),
      () => live && setVerified('unsupported'),
    );
    return () => {
      live = false;
    };
  }, [checkpoint.data]);
  const none = checkpoint.error instanceof ApiError && checkpoint.error.status === 404;
  const data = checkpoint.data;
  return (
    <section aria-labelledby="checkpoint-heading">
      <h2 id="checkpoint-heading">{t('audit.checkpoint')}</h2>
      {none && <p>{t('audit.checkpointNone')}</p>}
      {!none && <ErrorAlert error={checkpoint.error} />}
      {data && verified === true && (
        <p className="ok">{t('audit.checkpointOk', { seq: data.seq, time: formatTime(data.signedAt) })}</p>
      )}
      {data && verified === false && <p className="error">{t('audit.checkpointBad', { seq: data.seq })}</p>}
      {data && verified === 'unsupported' && <p className="error">{t('audit.checkpointUnsupported')}</p>}
    </section>
  );
}

/** The proof checked here, with libs/audit's offline verifier: the note's signature, then the path to its root. */
type ProofCheck = { seq: number; ok: true; treeSize: number } | { seq: number; ok: false; reason: string };

function checkProof(proof: EventProof): ProofCheck {
  const canonical = decodeBase64(proof.canonical);
  if (!canonical) return { seq: proof.seq, ok: false, reason: 'the event’s canonical bytes are not base64' };
  const result = verifyEventInclusion({
    note: proof.note,
    verifierKey: proof.verifierKey.trim(),
    canonical,
    leafIndex: proof.leafIndex,
    hashes: proof.hashes,
  });
  return result.ok
    ? { seq: proof.seq, ok: true, treeSize: result.treeSize }
    : { seq: proof.seq, ok: false, reason: result.reason };
}
