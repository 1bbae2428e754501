package dev.timerwatch.scheduling;

import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * The future a decorator returns for a {@link TrackedCommand}: the scheduler's own future,
 * with cancellation reported to the tracker. A {@link TrackedSubmission} whose future is a
 * {@link ScheduledFuture}, and is one itself.
 */
public final class TrackedFuture<V> extends TrackedSubmission<V> implements ScheduledFuture<V> {

	/**
	 * Wrap a scheduler's future.
	 * @param delegate the future the scheduler returned
	 * @param command the command it runs
	 */
	public TrackedFuture(ScheduledFuture<V> delegate, TrackedCommand<?> command) {
		super(delegate, command);
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
	@Override
	@SuppressWarnings("unchecked")
	public ScheduledFuture<V> getDelegate() {
		return (ScheduledFuture<V>) super.getDelegate();
	}

	@Override
	public long getDelay(TimeUnit unit) {
		return getDelegate().getDelay(unit);
	}

	@Override
	public int compareTo(Delayed other) {
		return getDelegate().compareTo((other instanceof TrackedFuture<?> tracked) ? tracked.getDelegate() : other);
	}

}
