package dev.timerwatch.tracking;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One live executor, {@code java.util.Timer} or thread, counted in its origin as a pending
 * entry of kind {@link TaskKind#THREAD} from its first thread's start to its last thread's
 * end. Like a task, it moves its origin's counters and nothing else: pending while live,
 * completed once ended, so the leak detector judges it from the same creation epochs.
 */
public final class LiveThreads {

	private final PendingBucket bucket;

	private final AtomicBoolean ended = new AtomicBoolean();

	LiveThreads(PendingBucket bucket) {
		this.bucket = bucket;
	}

	/**
	 * The origin it is counted in.
	 * @return the origin
	 */
	public OriginStats origin() {
		return this.bucket.origin();
	}

	/**
	 * Its last thread has ended. Idempotent.
	 */
	public void end() {
		if (this.ended.compareAndSet(false, true)) {
			this.bucket.completed.increment();
		}
	}

}
