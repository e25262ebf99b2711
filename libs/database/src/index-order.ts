/**
 * For the rest of the transaction, read through an index in its order instead of collecting rows in a bitmap scan
 * and sorting them. For queries that take the first rows in an index's order (`ORDER BY … LIMIT`) on tables whose
 * statistics lag behind bursts of writes: right after a surge or a sealed backlog the planner believes few rows match
 * and would rather sort them all; and only a plain index scan marks the dead entries it meets, so the next one skips
 * them. Needs a transaction (SET LOCAL).
 */
export const WALK_INDEX_IN_ORDER = 'SET LOCAL enable_sort = off; SET LOCAL enable_bitmapscan = off';
