import type { Clock } from '../ports/clock';

/**
 * The ledger's clock on Firestore: the database's own time, as its answers carry it (a read's
 * readTime, a commit's writeTime), carried forward by this process's monotonic clock between
 * answers. Leases, locks and send deadlines are written and judged by it, so an instance whose wall
 * clock is minutes off writes and reads the same instants as every other instance, and cannot
 * judge a live lease expired (issue #18: a second instance 6 minutes ahead took over a live lease
 * and sold a second time).
 *
 * Each observation is a lower bound of the database's time when the answer arrived (the answer
 * was stamped before it travelled), so the largest offset seen is the closest estimate that is
 * never ahead: a lease then looks live slightly longer and a deadline ends slightly sooner, both
 * the safe side. Firestore documents readTime / writeTime as server timestamps:
 * https://cloud.google.com/nodejs/docs/reference/firestore/latest/firestore/documentsnapshot#_google_cloud_firestore_DocumentSnapshot_readTime_member
 */
export class ServerClock implements Clock {
  private offsetMs: number | null = null;

  constructor(
    /** monotonic milliseconds (never stepped by NTP or a skewed wall clock) */
    private readonly elapsedMs: () => number = () => performance.now(),
    /**
     * answers before the first observation. Every judgement of a lease, lock or deadline follows a
     * read in the same operation, so this only stamps a write made before anything was read.
     */
    private readonly beforeFirstAnswer: Clock = { now: () => new Date() },
  ) {}

  /** an instant the database answered with */
  observe(serverTime: Date): void {
    const offset = serverTime.getTime() - this.elapsedMs();
    if (Number.isFinite(offset) && (this.offsetMs === null || offset > this.offsetMs)) this.offsetMs = offset;
  }

  now(): Date {
    return this.offsetMs === null ? this.beforeFirstAnswer.now() : new Date(this.elapsedMs() + this.offsetMs);
  }
}
