package dev.timerwatch.scheduling;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;

/**
 * The future the tracking decorator's {@code submit} returns when the executor's own is not
 * a {@link java.util.concurrent.ScheduledFuture} (that one is a {@link TrackedFuture}): the
 * executor's future, with cancellation reported to the tracker.
 *
 * @param <V> the result type
 */
final class TrackedSubmission<V> implements Future<V> {

	private final Future<V> delegate;

	private final TrackedCommand<?> command;

	TrackedSubmission(Future<V> delegate, TrackedCommand<?> command) {
		this.delegate = delegate;
		this.command = command;
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
