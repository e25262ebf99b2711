import { Injectable, Logger } from '@nestjs/common';
import { DomainError } from '@vigil/domain';
import { ALL_QUEUES, QueueName } from './queue-names';
import { QueueProducer } from './queue-producer';
import { withTimeout } from './with-timeout';

/** The job counts an operator looks at, per queue (BullMQ's own states, under this deployment's QUEUE_PREFIX). */
export interface QueueCounts {
  name: QueueName;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
}

/** Reads the queues' job counts for operators (GET /v1/admin/queues); changes nothing. */
@Injectable()
export class QueueCountsReader {
  private readonly logger = new Logger(QueueCountsReader.name);

  constructor(private readonly producer: QueueProducer) {}

  /**
   * Every queue of ALL_QUEUES, in that order. The API's connections fail fast while Redis is away, but one that
   * froze would leave the caller waiting: past `timeoutMs` the answer is SERVICE_UNAVAILABLE, never a hang.
   */
  async all(timeoutMs = 2000): Promise<QueueCounts[]> {
    try {
      return await withTimeout(this.read(), timeoutMs, 'Redis');
    } catch (error) {
      this.logger.warn(`Queue counts unavailable: ${(error as Error).message}`);
      throw new DomainError('SERVICE_UNAVAILABLE', 'the queues cannot be read now: Redis does not answer');
    }
  }

  /** Every queue's counts, unbounded: while Redis is away this waits for it (`all` is the bounded answer). */
  read(): Promise<QueueCounts[]> {
    return Promise.all(ALL_QUEUES.map((name) => this.counts(name)));
  }

  /** `waiting` includes BullMQ's `prioritized`: jobs waiting, in priority order. */
  private async counts(name: QueueName): Promise<QueueCounts> {
    const counts = await this.producer
      .queue(name)
      .getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed');
    return {
      name,
      waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
      active: counts.active ?? 0,
      delayed: counts.delayed ?? 0,
      failed: counts.failed ?? 0,
      completed: counts.completed ?? 0,
    };
  }
}
