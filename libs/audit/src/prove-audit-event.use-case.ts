import { Injectable } from '@nestjs/common';
import { DomainError } from '@vigil/domain';
import { AuditInclusionBundle, INCLUSION_BUNDLE_FORMAT, verifyCheckpointNote } from './audit-log-verifier';
import { AuditTreeQueries } from './audit-tree-queries';
import { SignTreeCheckpoint } from './sign-tree-checkpoint.use-case';

/**
 * One event's proof of inclusion against the latest signed checkpoint of the tree, bundled for an outside verifier
 * (`audit:prove`). Signs a checkpoint first when the tree grew since the last one, so a just-sealed event is covered.
 */
@Injectable()
export class ProveAuditEvent {
  constructor(
    private readonly tree: AuditTreeQueries,
    private readonly signer: SignTreeCheckpoint,
  ) {}

  async execute(input: { seq: number }): Promise<AuditInclusionBundle> {
    await this.signer.execute();
    const note = await this.tree.latestCheckpoint();
    const checkpoint = verifyCheckpointNote(note, this.signer.verifierKey);
    // Our own note failing our own key means the key changed under a running process: nothing to prove against.
    if (!checkpoint.ok) throw new Error(`the latest tree checkpoint does not verify: ${checkpoint.reason}`);
    if (input.seq > checkpoint.treeSize) {
      throw new DomainError('INVALID_INPUT', `seq ${input.seq} is beyond the sealed head (${checkpoint.treeSize})`);
    }
    const [event, proof] = await Promise.all([
      this.tree.event(input.seq),
      this.tree.inclusion(input.seq, checkpoint.treeSize),
    ]);
    return {
      format: INCLUSION_BUNDLE_FORMAT,
      checkpoint: note,
      seq: input.seq,
      leafIndex: proof.leafIndex,
      treeSize: proof.treeSize,
      canonical: event.canonical,
      hashes: proof.hashes,
    };
  }
}
