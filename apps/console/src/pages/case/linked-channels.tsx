import { useState } from 'react';
import { ApiError } from '../../api/errors';
import { type LinkedChannel, useReviewLink } from '../../api/queries';
import { ErrorAlert } from '../../components/error-alert';
import { useI18n } from '../../i18n/i18n';

/**
 * The channels linked to the case's channel, strongest first: the other channel, the link's kind and score, and the
 * signals triage found. A suggested migration is the moderator's to confirm or reject.
 */
export function LinkedChannels(props: { caseId: string; channelId: string; links: LinkedChannel[] }) {
  const { t } = useI18n();
  if (props.links.length === 0) return <p>{t('case.linkedNone')}</p>;
  return (
    <ul className="links">
      {props.links.map((link) => (
        <LinkItem key={link.id} caseId={props.caseId} channelId={props.channelId} link={link} />
      ))}
    </ul>
  );
}

function LinkItem({ caseId, channelId, link }: { caseId: string; channelId: string; link: LinkedChannel }) {
  const { t, formatTime } = useI18n();
  const review = useReviewLink(caseId, channelId);
  const [note, setNote] = useState('');
  const noteId = `link-note-${link.id}`;
  const decide = (verdict: 'confirm' | 'reject') => review.mutate({ linkId: link.id, verdict, note });
  // A 409 is someone else's review landing first: the case is read again, so the kind shown is already theirs.
  const conflict = review.error instanceof ApiError && review.error.status === 409;
  return (
    <li>
      <h3 dir="auto">{link.channel.key}</h3>
      <p>
        <bdi>{t(`enum.platform.${link.channel.platform}`)}</bdi> ·{' '}
        <bdi>{t(`enum.channelStatus.${link.channel.status}`)}</bdi>
        {link.channel.actionedAt && (
          <>
            {' '}
            · <bdi>{t('case.linkActionedAt', { time: formatTime(link.channel.actionedAt) })}</bdi>
          </>
        )}
      </p>
      <dl className="facts">
        <div>
          <dt>{t('case.linkKind')}</dt>
          <dd>
            <code className="link-kind">{link.kind}</code>
          </dd>
        </div>
        <div>
          <dt>{t('case.linkScore')}</dt>
          <dd>{link.score === null ? t('common.none') : link.score.toFixed(2)}</dd>
        </div>
      </dl>
      {link.reasons.length > 0 && (
        <ul aria-label={t('case.linkReasons')} className="link-reasons">
          {link.reasons.map((reason) => (
            <li key={`${reason.signal}-${reason.detail}`}>
              <code>{reason.signal}</code> · <span dir="auto">{reason.detail}</span>
            </li>
          ))}
        </ul>
      )}
      {link.reason && (
        <p>
          {t('case.linkNoteShown')} <span dir="auto">{link.reason}</span>
        </p>
      )}
      {link.kind === 'suspected_migration' && (
        <div className="link-review">
          <div className="field">
            <label htmlFor={noteId}>{t('case.linkNote')}</label>
            <input id={noteId} value={note} maxLength={2000} dir="auto" onChange={(e) => setNote(e.target.value)} />
          </div>
          <div className="buttons">
            <button type="button" className="primary" onClick={() => decide('confirm')} disabled={review.isPending}>
              {t('case.linkConfirm')}
            </button>
            <button type="button" onClick={() => decide('reject')} disabled={review.isPending}>
              {t('case.linkReject')}
            </button>
          </div>
        </div>
      )}
      {review.isSuccess && (
        <p role="status">{t(review.data.kind === 'rejected' ? 'case.linkRejected' : 'case.linkConfirmed')}</p>
      )}
      {conflict ? (
        <p role="alert" className="error">
          {t('case.linkConflict')}
        </p>
      ) : (
        <ErrorAlert error={review.error} />
      )}
    </li>
  );
}
