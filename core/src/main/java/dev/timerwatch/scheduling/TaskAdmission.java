package dev.timerwatch.scheduling;

import java.time.Clock;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.timerwatch.tracking.PendingBucket;
import dev.timerwatch.tracking.SchedulerTracker;
import dev.timerwatch.tracking.TaskKind;
import dev.timerwatch.tracking.TaskObserver;
import dev.timerwatch.tracking.TaskOrigin;
import dev.timerwatch.tracking.TrackingFailures;
import org.jspecify.annotations.Nullable;

/**
 * The one way a decorator counts a new task: admit it to the scheduler's tracker, wrap it,
 * hand the wrapper to the scheduler, and take it out of the counts again if the scheduler
 * throws for any reason (rejection, an argument it refuses, anything). If tracking itself
 * fails, the caller gets {@code null} and schedules the user's task as it is.
 *
 * <p>One instance per decorated scheduler. It is also what its {@link TrackedCommand}s ask
 * for their run observer and their scheduler's failure policy, so that a task never reaches
 * its scheduler through the aggregates it reports to.
 */
public final class TaskAdmission {

	private final SchedulerTracker tracker;

	private final boolean stopsOnFailure;

	// The live periodic commands, for decorators that must settle them on shutdown; null if not kept.
	private volatile @Nullable Set<TrackedCommand<?>> livePeriodic;

	/**
	 * Create the admission of one scheduler.
	 * @param tracker the scheduler's tracker
	 * @param stopsOnFailure whether a periodic task that throws never runs again (a JDK
	 * executor) or runs again (a Spring {@code TaskScheduler}, which logs and carries on)
	 */
	public TaskAdmission(SchedulerTracker tracker, boolean stopsOnFailure) {
		this.tracker = tracker;
		this.stopsOnFailure = stopsOnFailure;
	}

	public SchedulerTracker tracker() {
		return this.tracker;
	}

	/**
	 * Count a task from the call site of the current thread (or its learned origin) and
	 * return the bucket it holds.
	 * @param task the user's task
	 * @param kind how it is scheduled
	 * @param periodNanos its period or fixed delay, or -1
	 * @param delayNanos the delay of a one-shot task, or -1 if unknown or periodic
	 * @return the bucket, or {@code null} if tracking failed
	 */
	@Nullable PendingBucket bucketFor(Object task, TaskKind kind, long periodNanos, long delayNanos) {
		try {
			return this.tracker.admit(task, kind, periodNanos, delayNanos);
		}
		catch (Throwable ex) {
			TrackingFailures.report(ex);
			return null;
		}
	}

	/**
	 * Admit and wrap a runnable.
	 * @param runnable the user's task
	 * @param kind how it is scheduled
	 * @param periodNanos its period or fixed delay, or -1
	 * @param delayNanos the delay of a one-shot task, or -1 if unknown or periodic: a delay
	 * far beyond the origin's others sends the task to its long-delay lane
	 * @param origin its origin if already known (a {@code @Scheduled} method), else
	 * {@code null} to locate it
	 * @return the tracked command, or {@code null} if tracking failed
	 */
	public @Nullable TrackedCommand<Void> admit(Runnable runnable, TaskKind kind, long periodNanos, long delayNanos,
			@Nullable TaskOrigin origin) {
		try {
			PendingBucket bucket = (origin != null) ? this.tracker.admit(origin, kind, periodNanos, delayNanos)
					: this.tracker.admit(runnable, kind, periodNanos, delayNanos);
			return added((kind == TaskKind.FIXED_RATE && periodNanos > 0)
					? new TrackedCommand.OfFixedRate(runnable, bucket, periodNanos, this)
					: new TrackedCommand.OfRunnable(runnable, bucket, kind, this));
		}
		catch (Throwable ex) {
			TrackingFailures.report(ex);
			return null;
		}
	}

	/**
	 * Admit and wrap a runnable that runs once, for a {@code ScheduledThreadPoolExecutor} that
	 * is handed the command as a callable in place of the JDK's adapter: it is told as
	 * {@link #admit(Runnable, TaskKind, long, long, TaskOrigin)} tells it.
	 * @param runnable the user's task
	 * @param delayNanos its delay, or -1 if unknown
	 * @return the tracked command, or {@code null} if tracking failed
	 */
	@Nullable TrackedCommand<Void> admitAdapted(Runnable runnable, long delayNanos) {
		try {
			PendingBucket bucket = this.tracker.admit(runnable, TaskKind.ONCE, -1, delayNanos);
			return added(new TrackedCommand.OfAdaptedRunnable(runnable, bucket, this));
		}
		catch (Throwable ex) {
			TrackingFailures.report(ex);
			return null;
		}
	}

	/**
	 * Admit and wrap a runnable that runs once, at an instant by the given clock (a Spring
	 * {@code TaskScheduler}'s {@code schedule(task, Instant)}): its delay is told as
	 * {@link #admit(Runnable, TaskKind, long, long, TaskOrigin)} tells it, and the clock is
	 * read for it only when the task's origin needs to know it.
	 * @param runnable the user's task
	 * @param startMillis when it is to run, by the clock
	 * @param clock the scheduler's clock
	 * @param origin its origin if already known, else {@code null} to locate it
	 * @return the tracked command, or {@code null} if tracking failed
	 */
	public @Nullable TrackedCommand<Void> admitAt(Runnable runnable, long startMillis, Clock clock,
			@Nullable TaskOrigin origin) {
		try {
			PendingBucket bucket = (origin != null) ? this.tracker.admitAt(origin, startMillis, clock)
					: this.tracker.admitAt(runnable, startMillis, clock);
			return added(new TrackedCommand.OfRunnable(runnable, bucket, TaskKind.ONCE, this));
		}
		catch (Throwable ex) {
			TrackingFailures.report(ex);
			return null;
		}
	}

	/**
	 * Admit and wrap a callable, which runs once.
	 * @param <V> the result type
	 * @param callable the user's task
	 * @param delayNanos its delay, or -1 if unknown
	 * @param origin its origin if already known, else {@code null}
	 * @return the tracked command, or {@code null} if tracking failed
	 */
	public <V> @Nullable TrackedCommand<V> admit(Callable<V> callable, long delayNanos, @Nullable TaskOrigin origin) {
		try {
			PendingBucket bucket = (origin != null) ? this.tracker.admit(origin, TaskKind.ONCE, -1, delayNanos)
					: this.tracker.admit(callable, TaskKind.ONCE, -1, delayNanos);
			return added(new TrackedCommand.OfCallable<>(callable, bucket, this));
		}
		catch (Throwable ex) {
			TrackingFailures.report(ex);
			return null;
		}
	}

	/**
	 * Hand an admitted command to its scheduler. Whatever the scheduler throws takes the
	 * command out of the counts and is passed on unchanged.
	 * @param <F> the scheduler's result
	 * @param command the admitted command
	 * @param submission hands the command to the scheduler
	 * @return what the scheduler returned, {@code null} included
	 */
	@SuppressWarnings("unchecked")
	public <F> F submit(TrackedCommand<?> command, Supplier<F> submission) {
		try {
			return (F) submit(command, SUPPLIED, submission, null);
		}
		catch (Throwable ex) {
			// Unchanged, a checked exception a scheduler sneaked past the compiler included.
			throw TaskAdmission.<RuntimeException>sneaky(ex);
		}
	}

	/**
	 * Hand an admitted command to its scheduler, as {@link #submit(TrackedCommand, Supplier)},
	 * through a submission that is given what it needs instead of capturing it: a constant,
	 * so that a call allocates none. Checked exceptions pass on unchanged.
	 * @param <C> the type of the submission's context
	 * @param <A> the type of its argument
	 * @param command the admitted command
	 * @param submission hands the command to the scheduler
	 * @param context what the submission needs besides its argument
	 * @param argument the submission's argument
	 * @return what the scheduler returned, {@code null} included
	 * @throws Throwable whatever the scheduler threw
	 */
	public <C, A> @Nullable Object submit(TrackedCommand<?> command, Submission<C, A> submission, C context,
			@Nullable A argument) throws Throwable {
		Object result;
		try {
			result = submission.submit(context, argument);
		}
		catch (Throwable ex) {
			command.onReject();
			throw ex;
		}
		// A ScheduledThreadPoolExecutor has attached its own task already, in decorateTask.
		if (result instanceof Future<?> future && command.future() == null) {
			command.attach(future);
		}
		return result;
	}

	/**
	 * A call that hands an admitted command to its scheduler.
	 * @param <C> the type of its context
	 * @param <A> the type of its argument
	 */
	@FunctionalInterface
	public interface Submission<C, A> {

		/**
		 * Make the call.
		 * @param context what the call needs besides its argument
		 * @param argument its argument
		 * @return what the scheduler returned
		 * @throws Throwable whatever the scheduler threw
		 */
		@Nullable Object submit(C context, @Nullable A argument) throws Throwable;

	}

	private static final Submission<Supplier<?>, Void> SUPPLIED = (supplier, unused) -> supplier.get();

	@SuppressWarnings("unchecked")
	private static <E extends Throwable> E sneaky(Throwable ex) throws E {
		throw (E) ex;
	}

	/**
	 * The delay a one-shot task is given, in nanoseconds, as a tracker is told it.
	 * @param delay the delay, in the unit; zero or less runs the task at once
	 * @param unit the unit, or {@code null}, which the scheduler refuses (the delay is then
	 * unknown, and a task admitted with it is taken out again when the scheduler throws)
	 * @return the delay, at least zero, or -1 if unknown
	 */
	public static long delayNanos(long delay, @Nullable TimeUnit unit) {
		return (unit != null) ? Math.max(0, unit.toNanos(delay)) : -1;
	}

	TaskObserver observer() {
		return this.tracker.registry().observer();
	}

	boolean stopsOnFailure() {
		return this.stopsOnFailure;
	}

	/**
	 * Keep the live periodic commands from now on, for a decorator that must settle the ones
	 * its scheduler drops without a word. One-shot commands, the hot path, are never kept.
	 * @return the live periodic commands, a concurrent set
	 */
	Set<TrackedCommand<?>> keepLivePeriodic() {
		Set<TrackedCommand<?>> live = ConcurrentHashMap.newKeySet();
		this.livePeriodic = live;
		return live;
	}

	private <V> TrackedCommand<V> added(TrackedCommand<V> command) {
		Set<TrackedCommand<?>> live = this.livePeriodic;
		if (live != null && command.kind().isPeriodic()) {
			live.add(command);
		}
		return command;
	}

	void ended(TrackedCommand<?> command) {
		Set<TrackedCommand<?>> live = this.livePeriodic;
		if (live != null && command.kind().isPeriodic()) {
			live.remove(command);
		}
	}

}
