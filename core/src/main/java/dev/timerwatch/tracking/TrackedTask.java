package dev.timerwatch.tracking;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import org.jspecify.annotations.Nullable;

/**
 * The life of one tracked task: the only place where a task changes state and the only place
 * that moves the counters of its origin. Every decorator's task extends this class, so a task
 * costs the tracker one small object and no map entry, and nothing but the executor and the
 * caller hold it: once a task ends and they drop it, it can be collected.
 *
 * <p>The state is one int, changed by compare-and-set only. Its phase and who moves it:
 * <pre>
 * PENDING  -&gt; RUNNING              the worker that starts a run            {@link #runStarting}
 * RUNNING  -&gt; PENDING | COMPLETED | FAILED | CANCELLED
 *                                   the worker whose run ends last           {@link #runEnded}
 * PENDING  -&gt; CANCELLED | RETAINED  the thread that cancels the future       {@link #cancelled}
 * RUNNING  +  CANCEL_REQUESTED      the same, while a run is on; the run's end then settles CANCELLED
 * COMPLETED | FAILED -&gt; CANCELLED   the same, when the future was cancelled after the run returned
 *                                   but before the future recorded its result: the future is the truth
 * PENDING | RETAINED -&gt; CANCELLED   the thread that takes the task out of the queue unrun {@link #discarded}
 * RUNNING  +  CANCEL_REQUESTED      the same, when a run is on: a periodic task is queued again
 *                                   before its run's end, and taken out there will not run again
 * RETAINED -&gt; CANCELLED            also the worker that dequeues a cancelled task {@link #runStarting}
 * PENDING  -&gt; REJECTED             the submitting thread, when the scheduler refuses it {@link #rejected}
 * PENDING  -&gt; COMPLETED            the thread that learns a trigger-driven task has no next run and
 *                                   none is due {@link #noNextRun}; with a run still due or running,
 * PENDING | RUNNING + DUE            it records how many runs are still due, and the last of them
 *                                   to end settles COMPLETED in {@link #runEnded}, whatever it threw
 * PENDING  -&gt; FAILED               the same, when the trigger threw instead of answering: the task
 *                                   ends FAILED, now or with the last run due (TRIGGER_FAILED)
 * </pre>
 * A fixed-rate run of a {@code ScheduledThreadPoolExecutor} re-queues its task before the run's
 * own bookkeeping is over, so two runs of one task may overlap by a few instructions; the state
 * counts the runs in progress and the runs started, and the last one to end settles the phase
 * from what is true at that moment ({@link #settle}), never from what it saw earlier.
 *
 * <p>Counters move with transitions only (see {@link PendingBucket}): nothing ever scans tasks.
 * These methods never throw for any sequence of calls; decorators still call them inside a
 * guard, so that a failure in a counter cannot reach the task.
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

	static final int PENDING = 0;

	static final int RUNNING = 1;

	static final int RETAINED = 2;

	static final int COMPLETED = 3;

	static final int FAILED = 4;

	static final int CANCELLED = 5;

	static final int REJECTED = 6;

	private static final int PHASE = 0b111;

	private static final int CANCEL_REQUESTED = 1 << 3;

	private static final int KIND_SHIFT = 4;

	private static final int KIND = 0b11 << KIND_SHIFT;

	// TaskKind.values() copies its array at every call: on the hot path that was two arrays of
	// 32 bytes a schedule and cancel, a third of what a tracked one allocated.
	private static final TaskKind[] KINDS = TaskKind.values();

	// Set once a trigger has said there is no next run: 1 + the runs handed off but not yet
	// started at that moment (at most 2 are remembered), in bits 6 and 7. A scheduler that hands
	// each run to a thread of its own (SimpleAsyncTaskScheduler) asks the trigger before the run
	// it just handed off has started; that run must still be tracked, and end the task.
	private static final int ONE_DUE = 1 << 6;

	private static final int DUE = 0b11 << 6;

	// Runs in progress, in bits 8 to 14: at most 127 are tracked at once.
	private static final int ONE_RUN = 1 << 8;

	private static final int RUNS = 0x7F << 8;

	// Bit 15, set with DUE when the trigger threw instead of answering: Spring drops the task
	// (telling no one but a future nobody reads), so it failed, whatever its last run did.
	private static final int TRIGGER_FAILED = 1 << 15;

	// Runs started, in bits 16 to 31, wrapping: without it, a whole overlapping run (start,
	// then end) would restore the very state word another thread read before deciding how the
	// task ended, and that thread's compare-and-set would succeed on a stale decision.
	private static final int ONE_START = 1 << 16;

	/** What {@link #beginRun} returns for a run that is not tracked. */
	protected static final long UNTRACKED_RUN = Long.MIN_VALUE;

	private final PendingBucket bucket;

	private volatile int state;

	/**
	 * Create a task already counted as pending in the given bucket.
	 * @param bucket from {@link SchedulerTracker#admit}
	 * @param kind how the task was scheduled
	 */
	protected TrackedTask(PendingBucket bucket, TaskKind kind) {
		if (kind == TaskKind.THREAD) {
			// The state word holds two bits of kind: the four kinds of task.
			throw new IllegalArgumentException("A tracked task cannot be of kind " + kind);
		}
		this.bucket = bucket;
		// A plain write: the task is published through its executor's queue, whose lock orders it.
		STATE.set(this, kind.ordinal() << KIND_SHIFT);
		bucket.offerSample(this);
	}

	/**
	 * How a run ended, as the decorator sees it when the run's state is settled.
	 */
	protected enum Outcome {

		/** The task will run again. */
		RESCHEDULED,

		/** A one-shot task returned normally. */
		COMPLETED,

		/** The task threw and will not run again. */
		FAILED,

		/** The task was cancelled, or the scheduler dropped it. */
		CANCELLED

	}

	/**
	 * What the last run to end leaves the task as. Called while the run's end is being
	 * settled, possibly more than once if another run or a cancellation races it, so it must
	 * read the scheduler's truth at the time of the call.
	 * @param failure what this run threw, if anything
	 * @return the outcome
	 */
	protected abstract Outcome settle(@Nullable Throwable failure);

	/**
	 * How late the run that is starting is against its planned time.
	 * @return nanoseconds, or a negative number if the decorator does not know
	 */
	protected long lagNanos() {
		return -1;
	}

	/**
	 * Called once the task has ended (completed, failed, cancelled or rejected), on the thread
	 * that ended it, for decorators that keep their live tasks.
	 */
	protected void ended() {
	}

	/**
	 * Start a run: the one place where runs begin to be tracked and observed.
	 * @param observer the run observer, {@link TaskObserver#NONE} for none
	 * @return the run's start in {@link System#nanoTime()} to pass to {@link #endRun}, or
	 * {@link #UNTRACKED_RUN} if the run is not tracked (the task was cancelled, or tracking
	 * failed), in which case {@code endRun} must not be called
	 */
	protected final long beginRun(TaskObserver observer) {
		try {
			if (!runStarting()) {
				return UNTRACKED_RUN;
			}
		}
		catch (Throwable ex) {
			TrackingFailures.report(ex);
			return UNTRACKED_RUN;
		}
		if (observer == TaskObserver.NONE) {
			return 0;
		}
		try {
			observer.runStarted(origin(), lagNanos());
		}
		catch (Throwable ex) {
			TrackingFailures.report(ex);
		}
		return System.nanoTime();
	}

	/**
	 * End a run started by {@link #beginRun}.
	 * @param observer the same observer
	 * @param startNanos what {@code beginRun} returned
	 * @param failure what the run threw, if anything
	 */
	protected final void endRun(TaskObserver observer, long startNanos, @Nullable Throwable failure) {
		try {
			runEnded(failure);
		}
		catch (Throwable ex) {
			TrackingFailures.report(ex);
		}
		if (observer != TaskObserver.NONE) {
			try {
				observer.runFinished(origin(), System.nanoTime() - startNanos, failure);
			}
			catch (Throwable ex) {
				TrackingFailures.report(ex);
			}
		}
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

	public final OriginStats origin() {
		return this.bucket.origin();
	}

	public final TaskKind kind() {
		return KINDS[(this.state & KIND) >>> KIND_SHIFT];
	}

	/**
	 * The task's state. A retained task reads as cancelled; a rejected one as cancelled too,
	 * though it is in no count.
	 * @return the state
	 */
	public final TaskState trackedState() {
		return switch (this.state & PHASE) {
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
		return (this.state & PHASE) == RETAINED;
	}

	/**
	 * A run is starting. A retained task is leaving the queue now: executors dequeue cancelled
	 * tasks and run them as no-ops.
	 * @return whether the run is tracked, in which case {@link #runEnded} must follow
	 */
	private boolean runStarting() {
		for (;;) {
			int s = this.state;
			switch (s & PHASE) {
				case PENDING:
					if (STATE.compareAndSet(this, s, startedOneDue(with(s, RUNNING) + ONE_RUN + ONE_START))) {
						this.bucket.running.increment();
						return true;
					}
					break;
				case RUNNING:
					if ((s & RUNS) == RUNS) {
						// As many runs overlap as the state word counts (a scheduler that runs
						// each on a thread of its own, every run long): this one goes untracked,
						// but is started, for a trigger's runs due, and the task ends with the
						// last tracked run.
						if (STATE.compareAndSet(this, s, startedOneDue(s + ONE_START))) {
							return false;
						}
						break;
					}
					if (STATE.compareAndSet(this, s, startedOneDue(s + ONE_RUN + ONE_START))) {
						return true;
					}
					break;
				case RETAINED:
					if (STATE.compareAndSet(this, s, with(s, CANCELLED))) {
						// Counted cancelled when it was retained: it only leaves the queue.
						this.bucket.released.increment();
					}
					return false;
				default:
					return false;
			}
		}
	}

	/**
	 * A tracked run has ended. The last overlapping run settles the phase.
	 * @param failure what the run threw, if anything
	 */
	private void runEnded(@Nullable Throwable failure) {
		OriginStats origin = origin();
		origin.runs.increment();
		if (failure != null) {
			origin.failedRuns.increment();
		}
		origin.runEndedWith(failure);
		for (;;) {
			int s = this.state;
			if ((s & PHASE) != RUNNING) {
				return;
			}
			if ((s & RUNS) > ONE_RUN) {
				if (STATE.compareAndSet(this, s, s - ONE_RUN)) {
					return;
				}
				continue;
			}
			int next = ((s & CANCEL_REQUESTED) != 0) ? CANCELLED : switch (settle(failure)) {
				// The trigger's end decides: a last run that threw was logged and followed, as
				// any run of the task, by the trigger, whose null completes the task on every
				// scheduler (ThreadPoolTaskScheduler asks it after the run, and completes it).
				case RESCHEDULED -> ((s & DUE) == ONE_DUE) ? (((s & TRIGGER_FAILED) != 0) ? FAILED : COMPLETED)
						: PENDING;
				case COMPLETED -> COMPLETED;
				case FAILED -> FAILED;
				case CANCELLED -> CANCELLED;
			};
			if (STATE.compareAndSet(this, s, with(s & ~(CANCEL_REQUESTED | RUNS), next))) {
				// Into the new phase before out of the old: a reader that waits for nothing to be
				// running then sees the task where it ended, never in no phase at all.
				count(next);
				this.bucket.running.decrement();
				if (next != PENDING) {
					ended();
				}
				return;
			}
		}
	}

	/**
	 * The task's future was cancelled successfully.
	 * @param retainedInQueue whether the executor keeps the cancelled task queued until its
	 * delay expires
	 */
	protected final void cancelled(boolean retainedInQueue) {
		for (;;) {
			int s = this.state;
			switch (s & PHASE) {
				case PENDING:
					int next = retainedInQueue ? RETAINED : CANCELLED;
					if (STATE.compareAndSet(this, s, with(s, next))) {
						count(next);
						ended();
						return;
					}
					break;
				case RUNNING:
					if ((s & CANCEL_REQUESTED) != 0 || STATE.compareAndSet(this, s, s | CANCEL_REQUESTED)) {
						return;
					}
					break;
				case COMPLETED:
				case FAILED:
					if (STATE.compareAndSet(this, s, with(s, CANCELLED))) {
						origin().recountAsCancelled((s & PHASE) == FAILED);
						return;
					}
					break;
				default:
					return;
			}
		}
	}

	/**
	 * The task left the executor's queue without running ({@code remove}, {@code purge},
	 * shutdown): a pending task counts as cancelled, a retained one leaves the queue. A
	 * periodic task taken out while a run is on (it was queued again before the run's end)
	 * will not run again: the run's end settles it as cancelled.
	 */
	protected final void discarded() {
		for (;;) {
			int s = this.state;
			int phase = s & PHASE;
			if (phase == RUNNING) {
				if ((s & CANCEL_REQUESTED) != 0 || STATE.compareAndSet(this, s, s | CANCEL_REQUESTED)) {
					return;
				}
				continue;
			}
			if (phase != PENDING && phase != RETAINED) {
				return;
			}
			if (STATE.compareAndSet(this, s, with(s, CANCELLED))) {
				if (phase == RETAINED) {
					// Counted cancelled when it was retained: it only leaves the queue.
					this.bucket.released.increment();
				}
				else {
					this.bucket.cancelled.increment();
					ended();
				}
				return;
			}
		}
	}

	/**
	 * The scheduler refused the task, or threw while accepting it: it was never scheduled, so
	 * it leaves every count. Idempotent.
	 */
	protected final void rejected() {
		for (;;) {
			int s = this.state;
			if ((s & PHASE) != PENDING) {
				return;
			}
			if (STATE.compareAndSet(this, s, with(s, REJECTED))) {
				this.bucket.admitted.decrement();
				ended();
				return;
			}
		}
	}

	/**
	 * What decides the task's runs (a {@code Trigger}) has no next one. A pending task with no
	 * run still due ends now; otherwise the last due or running run to end ends it. A task that
	 * has ended is left as it is. Idempotent.
	 * @param runsHandedOff how many runs the trigger has given the scheduler so far (its
	 * non-null answers), compared with the runs started to know how many are still due
	 * @param triggerFailed whether the trigger threw rather than answered: the task then ends
	 * as failed, otherwise as completed (whether its last run threw or not, as a scheduler that
	 * asks the trigger after the run has it)
	 */
	protected final void noNextRun(int runsHandedOff, boolean triggerFailed) {
		for (;;) {
			int s = this.state;
			int phase = s & PHASE;
			if ((phase != PENDING && phase != RUNNING) || (s & DUE) != 0) {
				return;
			}
			int due = (runsHandedOff - (s >>> 16)) & 0xFFFF;
			if (phase == PENDING && due == 0) {
				int next = triggerFailed ? FAILED : COMPLETED;
				if (STATE.compareAndSet(this, s, with(s, next))) {
					count(next);
					ended();
					return;
				}
				continue;
			}
			int ending = Math.min(3, 1 + due) * ONE_DUE | (triggerFailed ? TRIGGER_FAILED : 0);
			if (STATE.compareAndSet(this, s, s | ending)) {
				return;
			}
		}
	}

	/**
	 * The trigger that decides the task's runs threw instead of answering: the task fails as
	 * {@link #noNextRun} would end it, and its origin remembers what the trigger threw as it
	 * does a failed run's exception (no run failed, so no run is counted).
	 * @param runsHandedOff how many runs the trigger has given the scheduler so far
	 * @param failure what the trigger threw
	 */
	protected final void triggerFailed(int runsHandedOff, Throwable failure) {
		origin().failedWith(failure);
		noNextRun(runsHandedOff, true);
	}

	/**
	 * How many runs of the task have started, to tell later whether it ran again.
	 * @return the count, modulo 65,536
	 */
	final int runsStarted() {
		return this.state >>> 16;
	}

	/**
	 * Whether the scheduler has stopped the task after a failed run: its future is done, and
	 * not by a cancel. Only a decorator that knows the scheduler's future can tell.
	 * @return whether it stopped
	 */
	protected boolean stoppedByItsScheduler() {
		return false;
	}

	/**
	 * A periodic task whose run failed, on a scheduler that usually runs it again: settle it as
	 * failed if the scheduler stopped it instead (an error handler that re-throws), and tell
	 * whether there is anything left to watch.
	 * @param runsStartedAtFailure {@link #runsStarted()} when the failed run ended
	 * @return {@code true} once the watch is over: the task failed for good, ran again, or ended
	 */
	final boolean settledAfterFailedRun(int runsStartedAtFailure) {
		for (;;) {
			int s = this.state;
			if ((s & PHASE) != PENDING || (s >>> 16) != runsStartedAtFailure) {
				return true;
			}
			if ((s & DUE) != 0) {
				// Its trigger has ended (its future is done for that), with a run handed off
				// and not yet started: that run settles the task, as the trigger ended it.
				return true;
			}
			if (!stoppedByItsScheduler()) {
				return false;
			}
			if (STATE.compareAndSet(this, s, with(s, FAILED))) {
				count(FAILED);
				ended();
				return true;
			}
		}
	}

	// A run starts: if the trigger has ended, one fewer run is due.
	private static int startedOneDue(int state) {
		return ((state & DUE) > ONE_DUE) ? state - ONE_DUE : state;
	}

	private void count(int phase) {
		switch (phase) {
			case RETAINED -> this.bucket.retained.increment();
			case COMPLETED -> this.bucket.completed.increment();
			case FAILED -> this.bucket.failed.increment();
			case CANCELLED -> this.bucket.cancelled.increment();
			default -> {
				// PENDING is what is admitted and not in any other phase.
			}
		}
	}

	private static int with(int state, int phase) {
		return (state & ~PHASE) | phase;
	}

}
