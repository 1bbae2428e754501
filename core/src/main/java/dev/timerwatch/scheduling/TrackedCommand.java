package dev.timerwatch.scheduling;

import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.timerwatch.tracking.PendingBucket;
import dev.timerwatch.tracking.TaskKind;
import dev.timerwatch.tracking.TaskObserver;
import dev.timerwatch.tracking.TrackedTask;
import dev.timerwatch.tracking.TrackingFailures;
import org.jspecify.annotations.Nullable;

/**
 * A user's task wrapped by a decorator that cannot see inside its scheduler's queue: it
 * observes each run from the inside, and the scheduler's future, once known, tells it its
 * lag and next run. Cancellation reaches it through {@link #onCancel}.
 *
 * <p>Runs of one command may overlap: a {@code ScheduledThreadPoolExecutor} re-queues a
 * fixed-rate task just before the run's bookkeeping ends, and {@code SimpleAsyncTaskScheduler}
 * runs each trigger run on a thread of its own; {@link TrackedTask} counts the runs in
 * progress, and the last to end settles the task.
 * Created only by {@link TaskAdmission}.
 */
public final class TrackedCommand<V> extends TrackedTask implements Runnable, Callable<V> {

	private final Object task;

	private final TaskAdmission admission;

	private volatile @Nullable Future<?> future;

	TrackedCommand(Object task, PendingBucket bucket, TaskKind kind, TaskAdmission admission) {
		super(bucket, kind);
		this.task = task;
		this.admission = admission;
	}

	/**
	 * The scheduler's own future for this command, once it has returned it.
	 * @param future the future
	 */
	void attach(Future<?> future) {
		this.future = future;
	}

	@Nullable Future<?> future() {
		return this.future;
	}

	@Override
	public void run() {
		try {
			call();
		}
		catch (Exception ex) {
			// A checked exception thrown sneakily (Kotlin, Lombok) reaches the scheduler as it is.
			throw TrackedCommand.<RuntimeException>sneaky(ex);
		}
	}

	@Override
	@SuppressWarnings("unchecked")
	public V call() throws Exception {
		TaskObserver observer = this.admission.observer();
		long start = beginRun(observer);
		if (start == UNTRACKED_RUN) {
			return invoke();
		}
		V result;
		try {
			result = invoke();
		}
		catch (Throwable ex) {
			endRun(observer, start, ex);
			throw ex;
		}
		endRun(observer, start, null);
		return result;
	}

	@SuppressWarnings("unchecked")
	private V invoke() throws Exception {
		if (this.task instanceof Callable<?> callable) {
			return (V) callable.call();
		}
		((Runnable) this.task).run();
		return null;
	}

	@Override
	protected Outcome settle(@Nullable Throwable failure) {
		if (kind().isPeriodic() && (failure == null || !this.admission.stopsOnFailure())) {
			return Outcome.RESCHEDULED;
		}
		return (failure != null) ? Outcome.FAILED : Outcome.COMPLETED;
	}

	@Override
	protected long lagNanos() {
		Future<?> future = this.future;
		return (future instanceof Delayed delayed) ? -delayed.getDelay(TimeUnit.NANOSECONDS) : -1;
	}

	@Override
	public long nextFireInMillis() {
		Future<?> future = this.future;
		return (future instanceof Delayed delayed) ? Math.max(0, delayed.getDelay(TimeUnit.MILLISECONDS)) : -1;
	}

	@Override
	protected void ended() {
		this.admission.ended(this);
	}

	/**
	 * The command's future was cancelled successfully.
	 */
	public void onCancel() {
		try {
			cancelled(false);
		}
		catch (Throwable ex) {
			TrackingFailures.report(ex);
		}
	}

	/**
	 * The command left its scheduler without running.
	 */
	void onDiscard() {
		try {
			discarded();
		}
		catch (Throwable ex) {
			TrackingFailures.report(ex);
		}
	}

	/**
	 * The trigger that decides the command's runs has no next run: the command ends once the
	 * runs already handed to the scheduler are over.
	 * @param runsHandedOff the trigger's non-null answers so far
	 */
	public void onNoNextRun(int runsHandedOff) {
		try {
			noNextRun(runsHandedOff);
		}
		catch (Throwable ex) {
			TrackingFailures.report(ex);
		}
	}

	/**
	 * The scheduler refused the command, or threw while accepting it.
	 */
	public void onReject() {
		try {
			rejected();
		}
		catch (Throwable ex) {
			TrackingFailures.report(ex);
		}
	}

	@Override
	public String toString() {
		return String.valueOf(this.task);
	}

	@SuppressWarnings("unchecked")
	private static <E extends Throwable> E sneaky(Throwable ex) throws E {
		throw (E) ex;
	}

}
