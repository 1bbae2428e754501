package dev.timerwatch.tracking;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import org.jspecify.annotations.Nullable;

/**
 * The life of one tracked task, as a lock-free state machine that moves the counters of its
 * origin on every transition. Decorators extend this class so that a task costs the tracker
 * one small object and no map entry, and so that nothing but the executor and the caller
 * hold it: once a task ends and they drop it, it can be collected.
 *
 * <p>Subclasses call the transition methods from inside a guard: these methods do not throw
 * for any sequence of calls, but a failure in a counter must still not reach the task.
 */
public abstract class TrackedTask {

	private static final VarHandle STATE;

	static {
		try {
			STATE = MethodHandles.lookup().findVarHandle(TrackedTask.class, "state", int.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private static final int PHASE_MASK = 0b111;

	private static final int PENDING = 0;

	private static final int RUNNING = 1;

	private static final int COMPLETED = 2;

	private static final int FAILED = 3;

	private static final int CANCELLED = 4;

	private static final int UNTRACKED = 5;

	private static final int KIND_SHIFT = 3;

	private static final int KIND_MASK = 0b11 << KIND_SHIFT;

	private static final int CANCEL_REQUESTED = 1 << 5;

	private static final int RETAINED = 1 << 6;

	// Overlapping runs of one periodic task: a fixed-rate run that overran is re-queued, and
	// may be taken by another worker, before the first run's bookkeeping has finished.
	private static final int ONE_RUN = 1 << 8;

	private final PendingBucket bucket;

	private volatile int state;

	/**
	 * Create a task already counted as pending in the given bucket.
	 * @param bucket from {@link SchedulerTracker#admit}
	 * @param kind how the task was scheduled
	 */
	protected TrackedTask(PendingBucket bucket, TaskKind kind) {
		this.bucket = bucket;
		// A plain write: the task is published through its executor's queue, whose lock orders it.
		STATE.set(this, kind.ordinal() << KIND_SHIFT);
		bucket.offerSample(this);
	}

	/**
	 * How long until the task's next run, if the decorator knows.
	 * @return milliseconds, or -1 if unknown
	 */
	public long nextFireInMillis() {
		return -1;
	}

	/**
	 * When the task was created, to the resolution of a registry epoch.
	 * @return epoch milliseconds
	 */
	public final long createdMillis() {
		return this.bucket.startMillis();
	}

	/**
	 * How a run ended.
	 */
	protected enum Outcome {

		/** The task will run again. */
		RESCHEDULED,

		/** A one-shot task returned normally. */
		COMPLETED,

		/** The task threw and will not run again. */
		FAILED,

		/** The task was cancelled while it ran, or the scheduler dropped it. */
		CANCELLED

	}

	public final OriginStats origin() {
		return this.bucket.origin();
	}

	public final TaskKind kind() {
		return TaskKind.values()[(this.state & KIND_MASK) >>> KIND_SHIFT];
	}

	/**
	 * The task's state. A task whose submission was rejected reads as cancelled.
	 * @return the state
	 */
	public final TaskState trackedState() {
		return switch (this.state & PHASE_MASK) {
			case PENDING -> TaskState.PENDING;
			case RUNNING -> TaskState.RUNNING;
			case COMPLETED -> TaskState.COMPLETED;
			case FAILED -> TaskState.FAILED;
			default -> TaskState.CANCELLED;
		};
	}

	/**
	 * Whether this task is cancelled and still held in its executor's queue.
	 * @return whether it is retained
	 */
	public final boolean isRetained() {
		return (this.state & RETAINED) != 0;
	}

	/**
	 * A run is starting. A cancelled task that is still retained by its queue is leaving the
	 * queue now, since executors dequeue cancelled tasks and run them as no-ops.
	 * @return whether the run is tracked, in which case {@link #runEnded} must follow
	 */
	protected final boolean runStarting() {
		for (;;) {
			int s = this.state;
			int phase = s & PHASE_MASK;
			if (phase == PENDING) {
				if (STATE.compareAndSet(this, s, (s & ~PHASE_MASK) | RUNNING | ONE_RUN)) {
					this.bucket.leave();
					origin().running.increment();
					return true;
				}
			}
			else if (phase == RUNNING) {
				if (STATE.compareAndSet(this, s, s + ONE_RUN)) {
					return true;
				}
			}
			else if ((s & RETAINED) != 0) {
				if (STATE.compareAndSet(this, s, s & ~RETAINED)) {
					leftQueueCancelled();
					return false;
				}
			}
			else {
				return false;
			}
		}
	}

	/**
	 * A tracked run has ended.
	 * @param outcome what happens to the task next
	 * @param failure what the run threw, if anything
	 */
	protected final void runEnded(Outcome outcome, @Nullable Throwable failure) {
		OriginStats origin = origin();
		origin.runs.increment();
		if (failure != null) {
			origin.failedRuns.increment();
		}
		origin.runEndedWith(failure);
		for (;;) {
			int s = this.state;
			if ((s & PHASE_MASK) != RUNNING) {
				return;
			}
			if ((s >>> 8) > 1) {
				if (STATE.compareAndSet(this, s, s - ONE_RUN)) {
					return;
				}
				continue;
			}
			// A future cancelled while its task ran says it was cancelled, whatever the run did.
			int next = ((s & CANCEL_REQUESTED) != 0) ? CANCELLED : switch (outcome) {
				case RESCHEDULED -> PENDING;
				case COMPLETED -> COMPLETED;
				case FAILED -> FAILED;
				case CANCELLED -> CANCELLED;
			};
			if (STATE.compareAndSet(this, s, (s & KIND_MASK) | next)) {
				origin.running.decrement();
				switch (next) {
					case PENDING -> this.bucket.returnToPending();
					case COMPLETED -> origin.completed.increment();
					case FAILED -> origin.failed.increment();
					default -> origin.cancelled.increment();
				}
				return;
			}
		}
	}

	/**
	 * The task was cancelled by its future. A running task becomes cancelled when its run
	 * ends.
	 * @param retainedInQueue whether the executor keeps the cancelled task queued until its
	 * delay expires
	 */
	protected final void cancelled(boolean retainedInQueue) {
		for (;;) {
			int s = this.state;
			int phase = s & PHASE_MASK;
			if (phase == PENDING) {
				int next = (s & ~PHASE_MASK) | CANCELLED | (retainedInQueue ? RETAINED : 0);
				if (STATE.compareAndSet(this, s, next)) {
					if (retainedInQueue) {
						this.bucket.retain();
					}
					else {
						this.bucket.leave();
						origin().cancelled.increment();
					}
					return;
				}
			}
			else if (phase == RUNNING) {
				if ((s & CANCEL_REQUESTED) != 0 || STATE.compareAndSet(this, s, s | CANCEL_REQUESTED)) {
					return;
				}
			}
			else {
				return;
			}
		}
	}

	/**
	 * The executor removed the task without running it ({@code remove}, {@code purge},
	 * {@code shutdownNow}). A pending task counts as cancelled; a retained one leaves the
	 * queue.
	 */
	protected final void discarded() {
		for (;;) {
			int s = this.state;
			int phase = s & PHASE_MASK;
			if (phase == PENDING) {
				if (STATE.compareAndSet(this, s, (s & ~PHASE_MASK) | CANCELLED)) {
					this.bucket.leave();
					origin().cancelled.increment();
					return;
				}
			}
			else if ((s & RETAINED) != 0) {
				if (STATE.compareAndSet(this, s, s & ~RETAINED)) {
					leftQueueCancelled();
					return;
				}
			}
			else {
				return;
			}
		}
	}

	private void leftQueueCancelled() {
		this.bucket.release();
		origin().cancelled.increment();
	}

	/**
	 * The executor rejected the task: it was never scheduled, so it is taken out of the counts.
	 */
	protected final void rejected() {
		for (;;) {
			int s = this.state;
			if ((s & PHASE_MASK) != PENDING) {
				return;
			}
			if (STATE.compareAndSet(this, s, (s & ~PHASE_MASK) | UNTRACKED)) {
				this.bucket.unadmit();
				return;
			}
		}
	}

}
