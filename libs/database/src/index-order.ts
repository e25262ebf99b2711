/**
 * For the rest of the transaction, read through an index in its order instead of collecting rows in a bitmap scan
 * and sorting them. For queries that take the first rows in an index's order (`ORDER BY … LIMIT`) on tables whose
 * statistics lag behind bursts of writes: right after a surge or a sealed backlog the planner believes few rows match
 * and would rather sort them all; and only a plain index scan marks the dead entries it meets, so the next one skips
 * them. Needs a transaction (SET LOCAL).
 */
export const WALK_INDEX_IN_ORDER = 'SET LOCAL enable_sort = off; SET LOCAL enable_bitmapscan = off';

/**
 * `column IN ('a', 'b')` with the values written out, for predicates the planner must read as they are: to prove a
 * partial index's predicate, or to infer an `ON CONFLICT` arbiter index, which a bound parameter would hide from it.
 * Only for the code's own constants (lower-case words), never for input.
 */
export function inLiterals(column: string, values: readonly string[]): string {
  for (const value of values) {
    if (!/^[a-z_]+$/.test(value)) throw new Error(`not a constant to write into SQL: ${JSON.stringify(value)}`);
  }
  return `${column} IN (${values.map((value) => `'${value}'`).join(', ')})`;
}
