package dev.timerwatch.tracking;

import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The tasks of one lane of one origin ({@link OriginStats.Lane}) created during one registry
 * epoch, counted by phase.
 *
 * <p>A task keeps a reference to its bucket instead of its own creation time and origin:
 * one pointer per task instead of three fields. Only {@link TrackedTask} moves these counters,
 * one or two adds per transition; a task's pending state is implied (admitted and in no other
 * phase), so admitting a task costs one add. An origin's figures are sums over its buckets,
 * and its oldest pending task was created no earlier than the start of its oldest bucket
 * that still has pending tasks.
 *
 * <p>A bucket whose tasks have all ended can be retired (its counts folded into its origin):
 * {@link #tryAdmit} and {@link #retireIfEnded} form a Dekker pair on {@code admitted} and
 * {@code retired}, so that a task is never admitted into a bucket that is being dropped.
 */
public final class PendingBucket {

	static final int SAMPLES = 4;

	private final OriginStats origin;

	private final int epoch;

	private final long startMillis;

	private final OriginStats.Lane lane;

	final LongAdder admitted = new LongAdder();

	final LongAdder running = new LongAdder();

	// Tasks cancelled while their executor keeps them queued (retained: no longer pending, not
	// yet gone), and those of them that have left the queue since. Both only grow, each moved by
	// one step of a task: the cancelled count (cancelled + retained) never moves twice for one
	// task, which a counter meter read between two steps would show as a fall.
	final LongAdder retained = new LongAdder();

	final LongAdder released = new LongAdder();

	final LongAdder completed = new LongAdder();

	final LongAdder failed = new LongAdder();

	// Tasks cancelled or removed that were never retained.
	final LongAdder cancelled = new LongAdder();

	private volatile boolean retired;

	// The latest its tasks can have been created, or -1 while it may still take new ones: see
	// endMillis().
	private volatile long endMillis;

	// The first tasks of the bucket, held weakly, to show a sample of the oldest pending tasks.
	private final AtomicReferenceArray<WeakReference<TrackedTask>> samples = new AtomicReferenceArray<>(SAMPLES);

	private final AtomicInteger sampled = new AtomicInteger();

	PendingBucket(OriginStats origin, int epoch, long startMillis, OriginStats.Lane lane) {
		this(origin, epoch, startMillis, -1, lane);
	}

	PendingBucket(OriginStats origin, int epoch, long startMillis, long endMillis, OriginStats.Lane lane) {
		this.origin = origin;
		this.epoch = epoch;
		this.startMillis = startMillis;
		this.endMillis = endMillis;
		this.lane = lane;
	}

	OriginStats origin() {
		return this.origin;
	}

	int epoch() {
		return this.epoch;
	}

	long startMillis() {
		return this.startMillis;
	}

	/**
	 * The latest any of its tasks can have been created: a bucket of a registry epoch takes
	 * tasks until the next epoch begins, which its origin's maintenance then stamps here; one
	 * dated by creation times ({@link OriginStats#admitCreatedAt}) takes those within an epoch
	 * of its start. Without it, the ages of an origin's newest tasks would be unknown for as
	 * long as the origin made no newer one. A thread that read the epoch just before it moved on
	 * may still admit a task after the stamp: that task is then dated older than it is by as long
	 * as the thread took between the two steps (microseconds, against an epoch's resolution of
	 * seconds), as a task admitted into an older epoch always could be.
	 * @return epoch milliseconds, or -1 while it may still take new tasks
	 */
	long endMillis() {
		return this.endMillis;
	}

	// Called by maintenance only, once the bucket's epoch is over, under its origin's lock.
	void end(long endMillis) {
		if (this.endMillis < 0) {
			this.endMillis = endMillis;
		}
	}

	// A task dated by its creation time joins the bucket after the fact, under its origin's lock.
	void extendTo(long createdMillis) {
		if (this.endMillis >= 0 && createdMillis > this.endMillis) {
			this.endMillis = createdMillis;
		}
	}

	/**
	 * The lane whose tasks the bucket counts.
	 * @return the lane
	 */
	OriginStats.Lane lane() {
		return this.lane;
	}

	/**
	 * Count a new task, unless the bucket is retired.
	 * @return whether the task was counted
	 */
	boolean tryAdmit() {
		this.admitted.increment();
		if (this.retired) {
			this.admitted.decrement();
			return false;
		}
		return true;
	}

	/**
	 * Retire the bucket if none of its tasks is live (pending, running or retained).
	 * @return whether it is retired; no task can be admitted into it any more
	 */
	boolean retireIfEnded() {
		if (live() != 0) {
			return false;
		}
		this.retired = true;
		if (live() != 0) {
			this.retired = false;
			return false;
		}
		return true;
	}

	/**
	 * Take new tasks again after {@link #retireIfEnded} succeeded, because the origin it was
	 * retired with stays after all. Only the origin calls it, under its lock.
	 */
	void reopen() {
		this.retired = false;
	}

	/**
	 * Tasks admitted and not yet ended.
	 * @return the count
	 */
	long live() {
		long ended = this.completed.sum() + this.failed.sum() + this.cancelled.sum() + this.released.sum();
		return this.admitted.sum() - ended;
	}

	long pending() {
		long ended = this.completed.sum() + this.failed.sum() + this.cancelled.sum() + this.retained.sum();
		return Math.max(0, this.admitted.sum() - ended - this.running.sum());
	}

	long retained() {
		long released = this.released.sum();
		return Math.max(0, this.retained.sum() - released);
	}

	/**
	 * Tasks cancelled, whether their executor keeps them queued or not.
	 * @return the count
	 */
	long cancelled() {
		return this.cancelled.sum() + this.retained.sum();
	}

	void offerSample(TrackedTask task) {
		if (this.sampled.get() < SAMPLES) {
			int slot = this.sampled.getAndIncrement();
			if (slot < SAMPLES) {
				this.samples.set(slot, new WeakReference<>(task));
			}
		}
	}

	void collectPendingSamples(List<TrackedTask> into, int max) {
		for (int i = 0; i < SAMPLES && into.size() < max; i++) {
			WeakReference<TrackedTask> reference = this.samples.get(i);
			TrackedTask task = (reference != null) ? reference.get() : null;
			if (task != null && task.trackedState() == TaskState.PENDING) {
				into.add(task);
			}
		}
	}

}
