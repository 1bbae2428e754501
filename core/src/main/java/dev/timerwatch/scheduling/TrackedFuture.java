package dev.timerwatch.scheduling;

import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;

/**
 * The future a decorator returns for a {@link TrackedCommand}: the scheduler's own future,
 * with cancellation reported to the tracker.
 */
public final class TrackedFuture<V> implements ScheduledFuture<V> {

	private final ScheduledFuture<V> delegate;

	private final TrackedCommand<?> command;

	/**
	 * Wrap a scheduler's future.
	 * @param delegate the future the scheduler returned
	 * @param command the command it runs
	 */
	public TrackedFuture(ScheduledFuture<V> delegate, TrackedCommand<?> command) {
		this.delegate = delegate;
		this.command = command;
	}

	/**
	 * Wrap a scheduler's future, or pass {@code null} on as it is.
	 * @param <V> the result type
	 * @param delegate the future the scheduler returned, possibly {@code null}
	 * @param command the command it runs
	 * @return the tracked future, or {@code null}
	 */
	public static <V> @Nullable ScheduledFuture<V> of(@Nullable ScheduledFuture<V> delegate,
			TrackedCommand<?> command) {
		return (delegate != null) ? new TrackedFuture<>(delegate, command) : null;
	}

	/**
	 * The scheduler's own future.
	 * @return the wrapped future
	 */
	public ScheduledFuture<V> getDelegate() {
		return this.delegate;
	}

	@Override
	public boolean cancel(boolean mayInterruptIfRunning) {
		boolean cancelled = this.delegate.cancel(mayInterruptIfRunning);
		if (cancelled) {
			this.command.onCancel();
		}
		return cancelled;
	}

	@Override
	public long getDelay(TimeUnit unit) {
		return this.delegate.getDelay(unit);
	}

	@Override
	public int compareTo(Delayed other) {
		return this.delegate.compareTo((other instanceof TrackedFuture<?> tracked) ? tracked.delegate : other);
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
	public boolean equals(@Nullable Object other) {
		return this == other;
	}

	@Override
	public int hashCode() {
		return System.identityHashCode(this);
	}

	@Override
	public String toString() {
		return this.delegate.toString();
	}

}
