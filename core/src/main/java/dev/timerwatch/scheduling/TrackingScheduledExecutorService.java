package dev.timerwatch.scheduling;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.timerwatch.tracking.SchedulerProbe;
import dev.timerwatch.tracking.SchedulerTracker;
import dev.timerwatch.tracking.TaskKind;
import dev.timerwatch.tracking.TimerRegistry;
import dev.timerwatch.tracking.TrackingFailures;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ScheduledExecutorService} decorator that records every task it passes on, for
 * executors that are not a {@code ScheduledThreadPoolExecutor} (those get the exact
 * {@link TrackingScheduledThreadPoolExecutor} instead).
 *
 * <p>As an interface decorator it cannot see inside the executor's queue, so the futures it
 * returns wrap the executor's own, and cancelled tasks the executor still retains are not
 * counted. Like the JDK executors, it takes a periodic task that throws as never running
 * again.
 */
public class TrackingScheduledExecutorService implements ScheduledExecutorService {

	private final ScheduledExecutorService delegate;

	private final SchedulerTracker tracker;

	/**
	 * Decorate an executor.
	 * @param delegate the executor to decorate
	 * @param registry the registry to report to
	 * @param name the name to report under
	 */
	public TrackingScheduledExecutorService(ScheduledExecutorService delegate, TimerRegistry registry, String name) {
		this.delegate = delegate;
		this.tracker = registry.register(name, delegate.getClass().getSimpleName());
		this.tracker.attach(delegate, SchedulerProbe.NONE);
	}

	/**
	 * The decorated executor.
	 * @return the delegate
	 */
	public ScheduledExecutorService getDelegate() {
		return this.delegate;
	}

	public SchedulerTracker getTracker() {
		return this.tracker;
	}

	@Override
	public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
		TrackedCommand<Void> tracked = track(command, TaskKind.ONCE);
		if (tracked == null) {
			return this.delegate.schedule(command, delay, unit);
		}
		return submitted(tracked, () -> this.delegate.schedule((Runnable) tracked, delay, unit));
	}

	@Override
	public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
		TrackedCommand<V> tracked = track(callable);
		if (tracked == null) {
			return this.delegate.schedule(callable, delay, unit);
		}
		return submitted(tracked, () -> this.delegate.schedule((Callable<V>) tracked, delay, unit));
	}

	@Override
	public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
		TrackedCommand<Void> tracked = trackPeriodic(command, TaskKind.FIXED_RATE, unit.toNanos(period));
		if (tracked == null) {
			return this.delegate.scheduleAtFixedRate(command, initialDelay, period, unit);
		}
		return submitted(tracked, () -> this.delegate.scheduleAtFixedRate(tracked, initialDelay, period, unit));
	}

	@Override
	public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay,
			TimeUnit unit) {
		TrackedCommand<Void> tracked = trackPeriodic(command, TaskKind.FIXED_DELAY, unit.toNanos(delay));
		if (tracked == null) {
			return this.delegate.scheduleWithFixedDelay(command, initialDelay, delay, unit);
		}
		return submitted(tracked, () -> this.delegate.scheduleWithFixedDelay(tracked, initialDelay, delay, unit));
	}

	@Override
	public void execute(Runnable command) {
		TrackedCommand<Void> tracked = track(command, TaskKind.ONCE);
		if (tracked == null) {
			this.delegate.execute(command);
			return;
		}
		try {
			this.delegate.execute(tracked);
		}
		catch (RejectedExecutionException ex) {
			tracked.onReject();
			throw ex;
		}
	}

	@Override
	public Future<?> submit(Runnable task) {
		return schedule(task, 0, TimeUnit.NANOSECONDS);
	}

	@Override
	public <T> Future<T> submit(Runnable task, T result) {
		Objects.requireNonNull(task, "task");
		return schedule(() -> {
			task.run();
			return result;
		}, 0, TimeUnit.NANOSECONDS);
	}

	@Override
	public <T> Future<T> submit(Callable<T> task) {
		return schedule(task, 0, TimeUnit.NANOSECONDS);
	}

	@Override
	public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) throws InterruptedException {
		return this.delegate.invokeAll(trackAll(tasks));
	}

	@Override
	public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
			throws InterruptedException {
		return this.delegate.invokeAll(trackAll(tasks), timeout, unit);
	}

	@Override
	public <T> T invokeAny(Collection<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
		return this.delegate.invokeAny(trackAll(tasks));
	}

	@Override
	public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
			throws InterruptedException, ExecutionException, TimeoutException {
		return this.delegate.invokeAny(trackAll(tasks), timeout, unit);
	}

	@Override
	public void shutdown() {
		this.delegate.shutdown();
	}

	@Override
	public List<Runnable> shutdownNow() {
		List<Runnable> drained = this.delegate.shutdownNow();
		this.tracker.close();
		return drained;
	}

	@Override
	public boolean isShutdown() {
		return this.delegate.isShutdown();
	}

	@Override
	public boolean isTerminated() {
		return this.delegate.isTerminated();
	}

	@Override
	public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
		boolean terminated = this.delegate.awaitTermination(timeout, unit);
		if (terminated) {
			this.tracker.close();
		}
		return terminated;
	}

	@Override
	public String toString() {
		return this.delegate.toString();
	}

	private @Nullable TrackedCommand<Void> track(Runnable command, TaskKind kind) {
		return trackPeriodic(command, kind, -1);
	}

	private @Nullable TrackedCommand<Void> trackPeriodic(Runnable command, TaskKind kind, long periodNanos) {
		Objects.requireNonNull(command, "command");
		return TrackedCommand.admit(this.tracker, command, kind, periodNanos);
	}

	private <V> @Nullable TrackedCommand<V> track(Callable<V> callable) {
		Objects.requireNonNull(callable, "callable");
		return TrackedCommand.admit(this.tracker, callable);
	}

	private <T> List<Callable<T>> trackAll(Collection<? extends Callable<T>> tasks) {
		List<Callable<T>> result = new ArrayList<>(tasks.size());
		for (Callable<T> task : tasks) {
			TrackedCommand<T> tracked = track(task);
			result.add((tracked != null) ? tracked : task);
		}
		return result;
	}

	private <V> ScheduledFuture<V> submitted(TrackedCommand<?> tracked, Submission<V> submission) {
		ScheduledFuture<V> future;
		try {
			future = submission.submit();
		}
		catch (RejectedExecutionException ex) {
			tracked.onReject();
			throw ex;
		}
		return new TrackedFuture<>(future, tracked);
	}

	@FunctionalInterface
	private interface Submission<V> {

		ScheduledFuture<V> submit();

	}

}
