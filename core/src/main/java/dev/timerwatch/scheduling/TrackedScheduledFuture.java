package dev.timerwatch.scheduling;

import java.util.concurrent.CancellationException;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.timerwatch.tracking.PendingBucket;
import dev.timerwatch.tracking.TaskKind;
import dev.timerwatch.tracking.TaskObserver;
import dev.timerwatch.tracking.TrackedTask;
import dev.timerwatch.tracking.TrackingFailures;
import org.jspecify.annotations.Nullable;

/**
 * The task a {@link TrackingScheduledThreadPoolExecutor} queues and returns in place of its
 * own. The executor re-queues this object for periodic runs (through {@code decorateTask}'s
 * contract), so every run and cancellation passes through it. Like the JDK's own task, it
 * holds its executor.
 *
 * <p>While its executor reworks its queue in bulk (see
 * {@link TrackingScheduledThreadPoolExecutor}), the thread doing so may get different answers
 * from {@link #getDelay}, {@link #isPeriodic} and {@link #isCancelled}; every other thread gets
 * the JDK task's own.
 */
sealed class TrackedScheduledFuture<V> extends TrackedTask implements RunnableScheduledFuture<V>
		permits TrackedScheduledFuture.OfRunnableFuture {

	final RunnableScheduledFuture<V> delegate;

	private final TrackingScheduledThreadPoolExecutor executor;

	TrackedScheduledFuture(RunnableScheduledFuture<V> delegate, PendingBucket bucket, TaskKind kind,
			TrackingScheduledThreadPoolExecutor executor) {
		super(bucket, kind);
		this.delegate = delegate;
		this.executor = executor;
	}

	@Override
	public void run() {
		TaskObserver observer = this.executor.observer();
		long start = beginRun(observer);
		if (start == UNTRACKED_RUN) {
			this.delegate.run();
			return;
		}
		try {
			this.delegate.run();
		}
		finally {
			endRun(observer, start, runFailure());
		}
	}

	@Nullable Throwable runFailure() {
		return this.delegate.isDone() ? failureOf(this.delegate) : null;
	}

	@Override
	protected Outcome settle(@Nullable Throwable failure) {
		if (!this.delegate.isDone()) {
			return Outcome.RESCHEDULED;
		}
		if (this.delegate.isCancelled()) {
			return Outcome.CANCELLED;
		}
		return (failureOf(this.delegate) != null) ? Outcome.FAILED : Outcome.COMPLETED;
	}

	@Override
	protected long lagNanos() {
		return -this.delegate.getDelay(TimeUnit.NANOSECONDS);
	}

	/**
	 * What a future that is done failed with.
	 * @param done a future that is done
	 * @return the failure, or {@code null} if it completed or was cancelled
	 */
	static @Nullable Throwable failureOf(Future<?> done) {
		try {
			done.get();
			return null;
		}
		catch (ExecutionException ex) {
			return (ex.getCause() != null) ? ex.getCause() : ex;
		}
		catch (CancellationException ex) {
			return null;
		}
		catch (InterruptedException ex) {
			// A future that reads the interrupt even once done: the run's thread keeps it.
			Thread.currentThread().interrupt();
			return null;
		}
		catch (RuntimeException | Error ex) {
			// The ExecutionException could not be made: its constructor calls the failure's
			// toString, which runs the application's getMessage, which threw. The run failed
			// all the same; what is known of it is what was thrown here.
			return ex;
		}
	}

	@Override
	public boolean cancel(boolean mayInterruptIfRunning) {
		boolean cancelled = this.delegate.cancel(mayInterruptIfRunning);
		if (cancelled) {
			this.executor.cancelled(this);
		}
		return cancelled;
	}

	void onCancel(boolean retainedInQueue) {
		try {
			cancelled(retainedInQueue);
		}
		catch (Throwable ex) {
			TrackingFailures.report(ex);
		}
	}

	void onDiscard() {
		try {
			discarded();
		}
		catch (Throwable ex) {
			TrackingFailures.report(ex);
		}
	}

	void onReject() {
		try {
			rejected();
		}
		catch (Throwable ex) {
			TrackingFailures.report(ex);
		}
	}

	@Override
	public long nextFireInMillis() {
		return Math.max(0, this.delegate.getDelay(TimeUnit.MILLISECONDS));
	}

	@Override
	public boolean isPeriodic() {
		if (this.executor.keepsInShutdownScan()) {
			return false;
		}
		return this.delegate.isPeriodic();
	}

	@Override
	public long getDelay(TimeUnit unit) {
		long delay = this.executor.delayDuringRework();
		return (delay != TrackingScheduledThreadPoolExecutor.NOT_REWORKING) ? delay : this.delegate.getDelay(unit);
	}

	@Override
	public boolean isCancelled() {
		if (this.executor.keepsInShutdownScan()) {
			return false;
		}
		return this.delegate.isCancelled();
	}

	@Override
	public int compareTo(Delayed other) {
		if (other == this) {
			return 0;
		}
		if (other instanceof TrackedScheduledFuture<?> tracked) {
			return this.delegate.compareTo(tracked.delegate);
		}
		return this.delegate.compareTo(other);
	}

	@Override
	public boolean isDone() {
		return this.delegate.isDone();
	}

	@Override
	public V get() throws InterruptedException, ExecutionException {
		return this.delegate.get();
	}

	@Override
	public V get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
		return this.delegate.get(timeout, unit);
	}

	@Override
	public String toString() {
		return this.delegate.toString();
	}

	/**
	 * The task of a one-shot runnable that is itself a {@code FutureTask}, as those that
	 * {@code invokeAll} and {@code invokeAny} hand to {@code execute}: it ends as its own future
	 * says (see {@link RunnableFutures}).
	 */
	static final class OfRunnableFuture<V> extends TrackedScheduledFuture<V> {

		private final FutureTask<?> runnable;

		OfRunnableFuture(RunnableScheduledFuture<V> delegate, FutureTask<?> runnable, PendingBucket bucket,
				TrackingScheduledThreadPoolExecutor executor) {
			super(delegate, bucket, TaskKind.ONCE, executor);
			this.runnable = runnable;
		}

		@Override
		@Nullable Throwable runFailure() {
			Throwable failure = super.runFailure();
			return (failure != null) ? failure : RunnableFutures.failure(this.runnable);
		}

		// The failure is the run's, as runFailure read it: the future task's own among them.
		@Override
		protected Outcome settle(@Nullable Throwable failure) {
			Outcome outcome = super.settle(failure);
			if (outcome != Outcome.COMPLETED) {
				return outcome;
			}
			if (RunnableFutures.cancelled(this.runnable)) {
				return Outcome.CANCELLED;
			}
			return (failure != null) ? Outcome.FAILED : Outcome.COMPLETED;
		}

	}

}
