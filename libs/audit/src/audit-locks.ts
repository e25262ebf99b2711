/**
 * PostgreSQL advisory locks (two-int form, scoped to the database) that make one sealer and one checkpoint signer
 * run at a time across every worker process, the API and the CLI. Held with the `_xact_` variants, so a crash
 * releases them with the transaction.
 */
export const AUDIT_LOCK_SPACE = 0x56474c41; // "VGLA"
export const SEALER_LOCK = 1;
export const CHECKPOINT_LOCK = 2;
export const TREE_CHECKPOINT_LOCK = 3;
