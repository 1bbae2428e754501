package dev.timerwatch.scheduling;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

/**
 * The tasks a {@link TrackingScheduledThreadPoolExecutor} accepted while its remove-on-cancel
 * policy was on. Those tasks are left undecorated in the queue, so that cancelling one
 * removes it in logarithmic time as the JDK intends (a decorated task can only be found by a
 * linear scan); their commands are wrapped instead, and this table leads from the executor's
 * task back to its command when the task is cancelled, removed or done. It holds only tasks
 * still in the executor's hands.
 *
 * <p>The JDK's task exposes nothing of ours, so the only way back to the command is the
 * task's identity. The table is intrusive: each slot holds the command itself, which already
 * knows its task ({@link TrackedCommand#future()}), so a pending task costs a slot and no
 * entry object. It is split into segments, each an open-addressing table with linear probing
 * under its own lock, so that threads scheduling and cancelling at once rarely meet; a
 * segment grows at half full, shrinks at an eighth full, and gives back its array when a
 * removal or a sweep leaves it empty, so it stays bounded by the tasks pending in it.
 */
final class RemovableTasks {

	// 64 segments: threads scheduling at once rarely share one, and a segment's array stays
	// small (128 KB at a million pending tasks), where one table would be a humongous object
	// to G1, which gives such an object whole regions: a power-of-two array is just over a
	// power of two in bytes, so up to half of its last region is wasted. They are made on
	// first use, so an executor that never turns remove-on-cancel on costs nothing.
	private static final int SEGMENT_BITS = 6;

	private static final Segment[] NO_SEGMENTS = {};

	private volatile Segment @Nullable [] segments;

	/**
	 * Register the command of a task the executor just created, before the task is queued.
	 * @param command the command, already attached to its task
	 */
	void register(TrackedCommand<?> command) {
		Segment[] segments = this.segments;
		if (segments == null) {
			segments = createSegments();
		}
		int hash = hash(command.future());
		segmentFor(segments, hash).add(command, hash);
	}

	private synchronized Segment[] createSegments() {
		Segment[] segments = this.segments;
		if (segments == null) {
			segments = new Segment[1 << SEGMENT_BITS];
			for (int i = 0; i < segments.length; i++) {
				segments[i] = new Segment();
			}
			this.segments = segments;
		}
		return segments;
	}

	/**
	 * The task left the queue without running: cancelled, removed, drained or rejected.
	 * @return whether the task was one of these
	 */
	boolean discard(Object task, boolean rejected) {
		TrackedCommand<?> command = take(task);
		if (command == null) {
			return false;
		}
		if (rejected) {
			command.onReject();
		}
		else {
			leftCancelled(command);
		}
		return true;
	}

	/**
	 * The task was cancelled and stays queued: the remove-on-cancel policy was switched off
	 * after it was accepted. It stays in the table, to be released when it leaves the queue.
	 * @param task the executor's task
	 */
	void retain(Object task) {
		Segment[] segments = this.segments;
		if (segments == null) {
			return;
		}
		int hash = hash(task);
		TrackedCommand<?> command = segmentFor(segments, hash).get(task, hash);
		if (command != null) {
			command.onCancelRetained();
		}
	}

	/**
	 * A run of the task ended. A task that is done will not run again, whether it completed,
	 * failed or was cancelled while it ran (which the JDK reports to no one).
	 */
	void afterRun(Runnable task) {
		if (this.segments == null || !(task instanceof RunnableScheduledFuture<?> future) || !future.isDone()) {
			return;
		}
		TrackedCommand<?> command = take(future);
		if (command != null && future.isCancelled()) {
			leftCancelled(command);
		}
	}

	/**
	 * Account for every task the executor finished with behind our back (shutdown policies
	 * cancel queued tasks after taking them out of the queue). A cancelled task still queued
	 * is left for the step that takes it out, which is told: it is retained, and leaves later.
	 * @param queued whether a task is still in the executor's queue
	 */
	void sweepDone(Predicate<Future<?>> queued) {
		Segment[] segments = this.segments;
		if (segments == null) {
			return;
		}
		for (Segment segment : segments) {
			segment.sweepDone(queued);
		}
	}

	// A cancelled task has left the queue: counted cancelled now, or, if it was counted
	// retained when it was cancelled, released.
	private static void leftCancelled(TrackedCommand<?> command) {
		command.onCancel();
		command.onDiscard();
	}

	/**
	 * How many tasks the table holds, for tests.
	 */
	int size() {
		int size = 0;
		for (Segment segment : segmentsOrNone()) {
			size += segment.size();
		}
		return size;
	}

	/**
	 * The slots the table has allocated, for tests of its bounds.
	 */
	int capacity() {
		int capacity = 0;
		for (Segment segment : segmentsOrNone()) {
			capacity += segment.capacity();
		}
		return capacity;
	}

	// Null when nothing was ever registered: a volatile read is all that the hooks of every
	// run and removal then cost.
	private @Nullable TrackedCommand<?> take(Object task) {
		Segment[] segments = this.segments;
		if (segments == null) {
			return null;
		}
		int hash = hash(task);
		return segmentFor(segments, hash).remove(task, hash);
	}

	private Segment[] segmentsOrNone() {
		Segment[] segments = this.segments;
		return (segments != null) ? segments : NO_SEGMENTS;
	}

	// The segment is chosen by the top bits of the hash, the slot within it by the bottom ones.
	private static Segment segmentFor(Segment[] segments, int hash) {
		return segments[hash >>> (32 - SEGMENT_BITS)];
	}

	// Spreads identity hashes, which may be sequential, over both the segment bits (the top)
	// and the slot bits (the bottom).
	static int hash(@Nullable Object task) {
		int h = System.identityHashCode(task) * 0x9E3779B9;
		return h ^ (h >>> 16);
	}

	static Future<?> taskOf(TrackedCommand<?> command) {
		Future<?> task = command.future();
		if (task == null) {
			throw new IllegalStateException("A removable command is registered before it is attached to its task");
		}
		return task;
	}

	/**
	 * One open-addressing table with linear probing, guarded by its own monitor. Removal
	 * shifts the entries that follow back into the gap, so there are no tombstones and a
	 * lookup ends at the first empty slot.
	 */
	static final class Segment {

		private static final int MIN_CAPACITY = 8;

		private static final TrackedCommand<?>[] EMPTY = new TrackedCommand<?>[0];

		private TrackedCommand<?>[] slots = EMPTY;

		private int size;

		synchronized void add(TrackedCommand<?> command, int hash) {
			if ((this.size + 1) * 2 > this.slots.length) {
				resize(Math.max(MIN_CAPACITY, this.slots.length * 2));
			}
			insert(this.slots, command, hash);
			this.size++;
		}

		synchronized @Nullable TrackedCommand<?> get(Object task, int hash) {
			int index = indexOf(task, hash);
			return (index >= 0) ? this.slots[index] : null;
		}

		synchronized @Nullable TrackedCommand<?> remove(Object task, int hash) {
			int index = indexOf(task, hash);
			if (index < 0) {
				return null;
			}
			TrackedCommand<?>[] slots = this.slots;
			TrackedCommand<?> command = slots[index];
			closeGap(slots, index);
			this.size--;
			if (this.size == 0) {
				this.slots = EMPTY;
			}
			else if (this.size * 8 < slots.length && slots.length > MIN_CAPACITY) {
				resize(slots.length / 2);
			}
			return command;
		}

		// The slot of the command of the given task, or -1. Called under the segment's lock.
		private int indexOf(Object task, int hash) {
			TrackedCommand<?>[] slots = this.slots;
			if (this.size == 0) {
				return -1;
			}
			int mask = slots.length - 1;
			for (int i = hash & mask;; i = (i + 1) & mask) {
				TrackedCommand<?> command = slots[i];
				if (command == null) {
					return -1;
				}
				if (command.future() == task) {
					return i;
				}
			}
		}

		// Takes out the done tasks and counts the cancelled ones, under the segment's lock: a
		// task found still queued is then taken out of the table by the step that takes it out
		// of the queue, after this sweep; and a sweep on another thread (a worker's terminated(),
		// a shutdown at the same time) that finds the segment being swept waits until its tasks
		// are counted, so that no shutdown returns before what it dropped is counted.
		synchronized void sweepDone(Predicate<Future<?>> queued) {
			if (this.size == 0) {
				return;
			}
			List<TrackedCommand<?>> done = new ArrayList<>();
			List<TrackedCommand<?>> live = new ArrayList<>();
			for (TrackedCommand<?> command : this.slots) {
				if (command != null) {
					Future<?> task = taskOf(command);
					boolean gone = task.isDone() && !(task.isCancelled() && queued.test(task));
					(gone ? done : live).add(command);
				}
			}
			// Sized for what is left, as a removal would have left it: at most a quarter full.
			TrackedCommand<?>[] kept = live.isEmpty() ? EMPTY
					: new TrackedCommand<?>[Math.max(MIN_CAPACITY, Integer.highestOneBit(live.size() * 4 - 1) << 1)];
			for (TrackedCommand<?> command : live) {
				insert(kept, command, hash(command.future()));
			}
			this.slots = kept;
			this.size = live.size();
			for (TrackedCommand<?> command : done) {
				if (taskOf(command).isCancelled()) {
					leftCancelled(command);
				}
			}
		}

		synchronized int size() {
			return this.size;
		}

		synchronized int capacity() {
			return this.slots.length;
		}

		private void resize(int capacity) {
			TrackedCommand<?>[] resized = new TrackedCommand<?>[capacity];
			for (TrackedCommand<?> command : this.slots) {
				if (command != null) {
					insert(resized, command, hash(command.future()));
				}
			}
			this.slots = resized;
		}

		private static void insert(TrackedCommand<?>[] slots, TrackedCommand<?> command, int hash) {
			int mask = slots.length - 1;
			int i = hash & mask;
			while (slots[i] != null) {
				i = (i + 1) & mask;
			}
			slots[i] = command;
		}

		// Knuth's algorithm R: move back every later entry of the run that the gap would cut
		// off from its home slot.
		private static void closeGap(TrackedCommand<?>[] slots, int gap) {
			int mask = slots.length - 1;
			int free = gap;
			for (int i = (gap + 1) & mask;; i = (i + 1) & mask) {
				TrackedCommand<?> command = slots[i];
				if (command == null) {
					slots[free] = null;
					return;
				}
				int home = hash(command.future()) & mask;
				// The entry may move into the free slot unless its home lies cyclically in (free, i].
				boolean homeBetween = (free <= i) ? (free < home && home <= i) : (free < home || home <= i);
				if (!homeBetween) {
					slots[free] = command;
					free = i;
				}
			}
		}

	}

}
