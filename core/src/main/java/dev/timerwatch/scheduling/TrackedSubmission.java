package dev.timerwatch.scheduling;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;

/**
 * The future a decorator returns for a submitted {@link TrackedCommand} when the executor's
 * own is neither a {@link java.util.concurrent.ScheduledFuture} (that one becomes a
 * {@link TrackedFuture}) nor a {@code CompletableFuture}: the executor's future (a
 * {@code FutureTask}, a {@code ForkJoinTask}), with cancellation reported to the tracker. A
 * {@code FutureTask} cancelled before its run never calls the command, so without this the
 * task would stay pending for ever.
 *
 * @param <V> the result type
 */
public sealed class TrackedSubmission<V> implements Future<V> permits TrackedFuture {

	private final Future<V> delegate;

	private final TrackedCommand<?> command;

	/**
	 * Wrap an executor's future.
	 * @param delegate the future the executor returned
	 * @param command the command it runs
	 */
	public TrackedSubmission(Future<V> delegate, TrackedCommand<?> command) {
		this.delegate = delegate;
		this.command = command;
	}

	/**
	 * The executor's own future.
	 * @return the wrapped future
	 */
	public Future<V> getDelegate() {
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
	public final boolean equals(@Nullable Object other) {
		return this == other;
	}

	@Override
	public final int hashCode() {
		return System.identityHashCode(this);
	}

	@Override
	public String toString() {
		return this.delegate.toString();
	}

}
