package dev.timerwatch.scheduling;

import java.util.concurrent.CancellationException;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
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
 * own. The executor re-queues this object for periodic runs (through
 * {@code decorateTask}'s contract), so every run and cancellation passes through it.
 */
final class TrackedScheduledFuture<V> extends TrackedTask implements RunnableScheduledFuture<V> {

	private final RunnableScheduledFuture<V> delegate;

	TrackedScheduledFuture(RunnableScheduledFuture<V> delegate, PendingBucket bucket, TaskKind kind) {
		super(bucket, kind);
		this.delegate = delegate;
	}

	@Override
	public void run() {
		boolean tracked = false;
		long startNanos = 0;
		TaskObserver observer = TaskObserver.NONE;
		try {
			tracked = runStarting();
			if (tracked) {
				observer = origin().scheduler().registry().observer();
				if (observer != TaskObserver.NONE) {
					startNanos = System.nanoTime();
					Observers.runStarted(observer, origin(), -this.delegate.getDelay(TimeUnit.NANOSECONDS));
				}
			}
		}
		catch (Throwable ex) {
			TrackingFailures.report(ex);
		}
		try {
			this.delegate.run();
		}
		finally {
			if (tracked) {
				afterRun(observer, startNanos);
			}
		}
	}

	private void afterRun(TaskObserver observer, long startNanos) {
		try {
			Throwable failure = null;
			Outcome outcome;
			if (!this.delegate.isDone()) {
				outcome = Outcome.RESCHEDULED;
			}
			else if (this.delegate.isCancelled()) {
				outcome = Outcome.CANCELLED;
			}
			else {
				failure = failureOf(this.delegate);
				outcome = (failure != null) ? Outcome.FAILED : Outcome.COMPLETED;
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

	private static @Nullable Throwable failureOf(RunnableScheduledFuture<?> done) {
		try {
			done.get();
			return null;
		}
		catch (ExecutionException ex) {
			return (ex.getCause() != null) ? ex.getCause() : ex;
		}
		catch (CancellationException | InterruptedException ex) {
			return null;
		}
	}

	@Override
	public boolean cancel(boolean mayInterruptIfRunning) {
		boolean cancelled = this.delegate.cancel(mayInterruptIfRunning);
		if (cancelled) {
			executor().afterCancel(this);
		}
		return cancelled;
	}

	/**
	 * Cancel a task already taken out of the queue: it is not retained, and if it was
	 * cancelled and retained before, it has now left the queue.
	 */
	void cancelOutsideQueue() {
		if (this.delegate.cancel(false)) {
			cancelledInQueue(false);
		}
		else {
			discardedFromQueue();
		}
	}

	void cancelledInQueue(boolean retained) {
		try {
			cancelled(retained);
		}
		catch (Throwable ex) {
			TrackingFailures.report(ex);
		}
	}

	void discardedFromQueue() {
		try {
			discarded();
		}
		catch (Throwable ex) {
			TrackingFailures.report(ex);
		}
	}

	void rejectedByExecutor() {
		try {
			rejected();
		}
		catch (Throwable ex) {
			TrackingFailures.report(ex);
		}
	}

	private TrackingScheduledThreadPoolExecutor executor() {
		return (TrackingScheduledThreadPoolExecutor) origin().scheduler().scheduler();
	}

	@Override
	public long nextFireInMillis() {
		return Math.max(0, this.delegate.getDelay(TimeUnit.MILLISECONDS));
	}

	@Override
	public boolean isPeriodic() {
		return this.delegate.isPeriodic();
	}

	@Override
	public long getDelay(TimeUnit unit) {
		if (executor().isDrainingOnCurrentThread()) {
			return -1;
		}
		return this.delegate.getDelay(unit);
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
	public boolean isCancelled() {
		return this.delegate.isCancelled();
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

}
