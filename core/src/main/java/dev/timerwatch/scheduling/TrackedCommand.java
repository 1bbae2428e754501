package dev.timerwatch.scheduling;

import java.util.concurrent.Callable;

import dev.timerwatch.tracking.PendingBucket;
import dev.timerwatch.tracking.SchedulerTracker;
import dev.timerwatch.tracking.TaskKind;
import dev.timerwatch.tracking.TaskObserver;
import dev.timerwatch.tracking.TrackedTask;
import dev.timerwatch.tracking.TrackingFailures;
import org.jspecify.annotations.Nullable;

/**
 * A command wrapped by a decorator that cannot see inside its executor's queue: it observes
 * each run from the inside, and its {@link TrackedFuture} observes cancellation.
 *
 * <p>What happens after a run that threw depends on the scheduler: a JDK executor suppresses
 * every later run of the periodic task, a Spring {@code TaskScheduler} by default logs and
 * carries on. The decorator says which through {@code stopsOnFailure}.
 */
public final class TrackedCommand<V> extends TrackedTask implements Runnable, Callable<V> {

	private final @Nullable Runnable runnable;

	private final @Nullable Callable<V> callable;

	private final boolean stopsOnFailure;

	// When the next run is due, for the lag of periodic runs; -1 if unknown. Runs of one task
	// never overlap on a TaskScheduler, and its queue orders them, so plain fields suffice.
	private long plannedNanos = -1;

	private long periodNanos = -1;

	private TrackedCommand(@Nullable Runnable runnable, @Nullable Callable<V> callable, PendingBucket bucket,
			TaskKind kind, boolean stopsOnFailure) {
		super(bucket, kind);
		this.runnable = runnable;
		this.callable = callable;
		this.stopsOnFailure = stopsOnFailure;
	}

	/**
	 * Wrap a runnable.
	 * @param runnable the user's task
	 * @param bucket from the tracker's {@code admit}
	 * @param kind how it is scheduled
	 * @param stopsOnFailure whether a periodic task that throws never runs again
	 * @return the tracked command
	 */
	public static TrackedCommand<Void> of(Runnable runnable, PendingBucket bucket, TaskKind kind,
			boolean stopsOnFailure) {
		return new TrackedCommand<>(runnable, null, bucket, kind, stopsOnFailure);
	}

	/**
	 * Count a runnable with its scheduler and wrap it, for decorators that hand the wrapper to
	 * the executor in place of the user's task.
	 * @param tracker the scheduler's tracker
	 * @param runnable the user's task
	 * @param kind how it is scheduled
	 * @param periodNanos its period or fixed delay, or -1 if it is not periodic
	 * @return the tracked command, or {@code null} if tracking failed (reported to
	 * {@link TrackingFailures}), in which case the caller schedules the user's task as it is
	 */
	public static @Nullable TrackedCommand<Void> admit(SchedulerTracker tracker, Runnable runnable, TaskKind kind,
			long periodNanos) {
		try {
			return of(runnable, tracker.admit(runnable, kind, periodNanos), kind, true);
		}
		catch (Throwable ex) {
			TrackingFailures.report(ex);
			return null;
		}
	}

	/**
	 * Count a callable, which runs once, with its scheduler and wrap it.
	 * @param <V> the result type
	 * @param tracker the scheduler's tracker
	 * @param callable the user's task
	 * @return the tracked command, or {@code null} if tracking failed
	 */
	public static <V> @Nullable TrackedCommand<V> admit(SchedulerTracker tracker, Callable<V> callable) {
		try {
			return of(callable, tracker.admit(callable, TaskKind.ONCE));
		}
		catch (Throwable ex) {
			TrackingFailures.report(ex);
			return null;
		}
	}

	/**
	 * Wrap a fixed-rate or fixed-delay runnable whose first run is due at a known time, so that
	 * each run's lag is known.
	 * @param runnable the user's task
	 * @param bucket from the tracker's {@code admit}
	 * @param kind {@code FIXED_RATE} or {@code FIXED_DELAY}
	 * @param stopsOnFailure whether a periodic task that throws never runs again
	 * @param firstRunNanos when the first run is due, in {@link System#nanoTime()}
	 * @param periodNanos the period or delay
	 * @return the tracked command
	 */
	public static TrackedCommand<Void> periodic(Runnable runnable, PendingBucket bucket, TaskKind kind,
			boolean stopsOnFailure, long firstRunNanos, long periodNanos) {
		TrackedCommand<Void> command = new TrackedCommand<>(runnable, null, bucket, kind, stopsOnFailure);
		command.plannedNanos = firstRunNanos;
		command.periodNanos = periodNanos;
		return command;
	}

	/**
	 * Wrap a callable, which runs once.
	 * @param <V> the result type
	 * @param callable the user's task
	 * @param bucket from the tracker's {@code admit}
	 * @return the tracked command
	 */
	public static <V> TrackedCommand<V> of(Callable<V> callable, PendingBucket bucket) {
		return new TrackedCommand<>(null, callable, bucket, TaskKind.ONCE, true);
	}

	@Override
	public void run() {
		try {
			call();
		}
		catch (RuntimeException | Error ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	@SuppressWarnings("unchecked")
	public V call() throws Exception {
		TaskObserver observer = beforeRun();
		boolean tracked = observer != null;
		long startNanos = (tracked && observer != TaskObserver.NONE) ? System.nanoTime() : 0;
		try {
			V result;
			if (this.callable != null) {
				result = this.callable.call();
			}
			else {
				this.runnable.run();
				result = null;
			}
			if (tracked) {
				afterRun(observer, startNanos, null);
			}
			return result;
		}
		catch (Throwable ex) {
			if (tracked) {
				afterRun(observer, startNanos, ex);
			}
			throw ex;
		}
	}

	private @Nullable TaskObserver beforeRun() {
		try {
			if (!runStarting()) {
				return null;
			}
			TaskObserver observer = origin().scheduler().registry().observer();
			if (observer != TaskObserver.NONE) {
				long lag = (this.plannedNanos >= 0) ? System.nanoTime() - this.plannedNanos : -1;
				Observers.runStarted(observer, origin(), lag);
			}
			return observer;
		}
		catch (Throwable ex) {
			TrackingFailures.report(ex);
			return null;
		}
	}

	private void afterRun(TaskObserver observer, long startNanos, @Nullable Throwable failure) {
		try {
			Outcome outcome;
			if (kind().isPeriodic() && (failure == null || !this.stopsOnFailure)) {
				outcome = Outcome.RESCHEDULED;
			}
			else {
				outcome = (failure != null) ? Outcome.FAILED : Outcome.COMPLETED;
			}
			if (this.plannedNanos >= 0 && outcome == Outcome.RESCHEDULED) {
				this.plannedNanos = (kind() == TaskKind.FIXED_RATE) ? this.plannedNanos + this.periodNanos
						: System.nanoTime() + this.periodNanos;
			}
			runEnded(outcome, failure);
			if (observer != TaskObserver.NONE) {
				Observers.runFinished(observer, origin(), System.nanoTime() - startNanos, failure);
			}
		}
		catch (Throwable ex) {
			TrackingFailures.report(ex);
		}
	}

	/**
	 * The future of this command was cancelled.
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
	 * The scheduler refused the command.
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
		return String.valueOf((this.callable != null) ? this.callable : this.runnable);
	}

}
