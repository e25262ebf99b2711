import { inLiterals } from '@vigil/database';
import { UNRESOLVED_CASE_STATUSES } from '@vigil/domain';

/** A case still to be decided, as the unique index `cases_one_unresolved_per_channel` states it. */
export const UNRESOLVED_STATUS = inLiterals('status', UNRESOLVED_CASE_STATUSES);

/** For an INSERT into cases: insert nothing when the channel already has an unresolved case (that index's arbiter). */
export const UNLESS_CHANNEL_HAS_UNRESOLVED_CASE = `ON CONFLICT (channel_id) WHERE ${UNRESOLVED_STATUS} DO NOTHING`;
