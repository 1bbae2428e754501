package dev.timerwatch.tracking;

import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The pending tasks of one origin created during one registry epoch.
 *
 * <p>A task keeps a reference to its bucket instead of its own creation time and origin:
 * one pointer per task instead of three fields keeps the cost of tracking a pending task
 * near a quarter of what the executor itself retains per task. An origin's pending count is
 * the sum over its buckets, and its oldest pending task was created no earlier than the
 * start of its oldest non-empty bucket.
 */
public final class PendingBucket {

	private final OriginStats origin;

	private final int epoch;

	private final long startMillis;

	// Pending = admitted - left. Counting admissions here also gives the origin's scheduled
	// count, so admitting a task costs one atomic add, not two.
	private final LongAdder admitted = new LongAdder();

	private final LongAdder left = new LongAdder();

	// Cancelled tasks still in their executor's queue: no longer pending, not yet gone.
	private final LongAdder retained = new LongAdder();

	// The first tasks of the bucket, held weakly, to show a sample of the oldest pending tasks.
	private final AtomicReferenceArray<WeakReference<TrackedTask>> samples = new AtomicReferenceArray<>(SAMPLES);

	private final AtomicInteger sampled = new AtomicInteger();

	static final int SAMPLES = 4;

	PendingBucket(OriginStats origin, int epoch, long startMillis) {
		this.origin = origin;
		this.epoch = epoch;
		this.startMillis = startMillis;
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

	void admit() {
		this.admitted.increment();
	}

	void unadmit() {
		this.admitted.decrement();
	}

	void leave() {
		this.left.increment();
	}

	void returnToPending() {
		this.left.decrement();
	}

	/**
	 * A pending task was cancelled and stays queued: one add, on the caller's thread.
	 */
	void retain() {
		this.retained.increment();
	}

	/**
	 * A retained task left the queue: it moves from retained to left.
	 */
	void release() {
		this.left.increment();
		this.retained.decrement();
	}

	long retained() {
		return this.retained.sum();
	}

	long pending() {
		return this.admitted.sum() - this.left.sum() - this.retained.sum();
	}

	long admitted() {
		return this.admitted.sum();
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
