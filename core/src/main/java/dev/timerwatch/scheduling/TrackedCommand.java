package dev.timerwatch.scheduling;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.Executors;
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
 *
 * <p>Created only by {@link TaskAdmission}, as one of the classes below, chosen by how the task
 * was scheduled, not by what it is: a task that is both a runnable and a callable, scheduled
 * as a runnable, is run, and its result is {@code null}, as its scheduler's would be.
 */
public abstract sealed class TrackedCommand<V> extends TrackedTask implements Runnable, Callable<V>
		permits TrackedCommand.OfRunnable, TrackedCommand.OfCallable {

	private final TaskAdmission admission;

	private static final VarHandle FUTURE;

	static {
		try {
			FUTURE = MethodHandles.lookup().findVarHandle(TrackedCommand.class, "future", Future.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private volatile @Nullable Future<?> future;

	private TrackedCommand(PendingBucket bucket, TaskKind kind, TaskAdmission admission) {
		super(bucket, kind);
		this.admission = admission;
	}

	/**
	 * The scheduler's own future for this command, once it has returned it.
	 * @param future the future
	 */
	void attach(Future<?> future) {
		// A release store: whoever reads the future sees it whole, and none needs it sooner
		// (a run reads it for its lag, maintenance for its end). A volatile store would cost the
		// scheduling thread a full fence on every schedule.
		FUTURE.setRelease(this, future);
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
			watchIfItMayStop();
			throw ex;
		}
		endRun(observer, start, failureAfterRun());
		return result;
	}

	// What a run that returned failed with all the same: nothing, but for a one-shot runnable
	// that is itself a future (a FutureTask handed to execute), which keeps its own failure.
	@Nullable Throwable failureAfterRun() {
		return null;
	}

	// Whether a run that returned was cancelled all the same (see failureAfterRun).
	boolean cancelledInside() {
		return false;
	}

	// A scheduler that runs a failed periodic task again may still stop it (an error handler that
	// re-throws): maintenance then finds its future done.
	private void watchIfItMayStop() {
		if (!this.admission.stopsOnFailure() && kind().isPeriodic()) {
			try {
				this.admission.tracker().watchFailedRun(this);
			}
			catch (Throwable ex) {
				TrackingFailures.report(ex);
			}
		}
	}

	@Override
	protected boolean stoppedByItsScheduler() {
		Future<?> future = this.future;
		return future != null && future.isDone() && !future.isCancelled();
	}

	/**
	 * Run the user's task once.
	 * @return its result
	 * @throws Exception whatever it threw
	 */
	abstract V invoke() throws Exception;

	@Override
	protected Outcome settle(@Nullable Throwable failure) {
		if (kind().isPeriodic() && (failure == null || !this.admission.stopsOnFailure())) {
			return Outcome.RESCHEDULED;
		}
		if (failure != null) {
			return Outcome.FAILED;
		}
		return cancelledInside() ? Outcome.CANCELLED : Outcome.COMPLETED;
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
	 * The command's future was cancelled and its scheduler keeps it queued: counted retained
	 * until it leaves ({@link #onDiscard}).
	 */
	void onCancelRetained() {
		try {
			cancelled(true);
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
			noNextRun(runsHandedOff, false);
		}
		catch (Throwable ex) {
			TrackingFailures.report(ex);
		}
	}

	/**
	 * The trigger that decides the command's runs threw when asked for the next run, after
	 * it had answered before: Spring drops the command without a word (the exception goes to
	 * a future nobody reads), so the command fails once the runs already handed off are over.
	 * @param runsHandedOff the trigger's non-null answers so far
	 * @param failure what the trigger threw
	 */
	public void onTriggerFailed(int runsHandedOff, Throwable failure) {
		try {
			triggerFailed(runsHandedOff, failure);
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

	@SuppressWarnings("unchecked")
	private static <E extends Throwable> E sneaky(Throwable ex) throws E {
		throw (E) ex;
	}

	/**
	 * A task scheduled as a runnable.
	 */
	static sealed class OfRunnable extends TrackedCommand<Void> permits OfAdaptedRunnable, OfFixedRate {

		private final Runnable runnable;

		OfRunnable(Runnable runnable, PendingBucket bucket, TaskKind kind, TaskAdmission admission) {
			super(bucket, kind, admission);
			this.runnable = runnable;
		}

		@Override
		final @Nullable Void invoke() {
			this.runnable.run();
			return null;
		}

		// A FutureTask (invokeAll's, or one handed to execute) returns from its run whatever
		// became of it: it ends as its own future says.
		@Override
		final @Nullable Throwable failureAfterRun() {
			return (kind() == TaskKind.ONCE) ? RunnableFutures.failure(this.runnable) : null;
		}

		@Override
		final boolean cancelledInside() {
			return kind() == TaskKind.ONCE && RunnableFutures.cancelled(this.runnable);
		}

		@Override
		public String toString() {
			return String.valueOf(this.runnable);
		}

	}

	/**
	 * A one-shot task scheduled as a runnable, handed to a {@code ScheduledThreadPoolExecutor}
	 * as the callable the command also is. The JDK would wrap a runnable in an adapter of its
	 * own ({@link Executors#callable(Runnable)}), an object per pending task, which this one
	 * stands in for: so it prints as that adapter does, and the future the caller gets reads as
	 * the raw executor's would.
	 */
	static final class OfAdaptedRunnable extends OfRunnable {

		// Read off the JDK's adapter, not spelled here: what it prints is the JDK's to change.
		private static final String ADAPTER = Executors.callable(() -> {
		}).getClass().getName();

		OfAdaptedRunnable(Runnable runnable, PendingBucket bucket, TaskAdmission admission) {
			super(runnable, bucket, TaskKind.ONCE, admission);
		}

		@Override
		public String toString() {
			return ADAPTER + "@" + Integer.toHexString(System.identityHashCode(this)) + "[Wrapped task = "
					+ super.toString() + "]";
		}

	}

	/**
	 * A runnable scheduled at a fixed rate, which knows its period: a scheduler that hands each
	 * run to a thread of its own ({@code SimpleAsyncTaskScheduler}, whose runs start on virtual
	 * threads, say) has planned the next run by the time this one starts, so its future tells
	 * the next run's delay, and this run was planned a period before that.
	 */
	static final class OfFixedRate extends OfRunnable {

		private final long periodNanos;

		OfFixedRate(Runnable runnable, PendingBucket bucket, long periodNanos, TaskAdmission admission) {
			super(runnable, bucket, TaskKind.FIXED_RATE, admission);
			this.periodNanos = periodNanos;
		}

		@Override
		protected long lagNanos() {
			if (!(future() instanceof Delayed delayed)) {
				return -1;
			}
			long delay = delayed.getDelay(TimeUnit.NANOSECONDS);
			// Known up to the period: a run that starts more than a period late finds a later run
			// planned still, and is taken as that much less late.
			return (delay > 0 && delay <= this.periodNanos) ? this.periodNanos - delay : -delay;
		}

	}

	/**
	 * A task scheduled as a callable, which runs once.
	 */
	static final class OfCallable<V> extends TrackedCommand<V> {

		private final Callable<V> callable;

		OfCallable(Callable<V> callable, PendingBucket bucket, TaskAdmission admission) {
			super(bucket, TaskKind.ONCE, admission);
			this.callable = callable;
		}

		@Override
		V invoke() throws Exception {
			return this.callable.call();
		}

		@Override
		public String toString() {
			return String.valueOf(this.callable);
		}

	}

}
