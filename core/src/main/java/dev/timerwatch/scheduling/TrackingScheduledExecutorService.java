package dev.timerwatch.scheduling;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.timerwatch.tracking.SchedulerProbe;
import dev.timerwatch.tracking.SchedulerTracker;
import dev.timerwatch.tracking.TaskKind;
import dev.timerwatch.tracking.TaskState;
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
 * again. It keeps its live periodic tasks (which the executor holds anyway; one-shot tasks,
 * the hot path of timeouts, cost no set) so that it can settle those a {@code shutdown()}
 * cancels without a word, at shutdown or, for one running then, at the registry's next
 * maintenance. After {@code shutdownNow()} (unless the executor ignores it, as the common
 * pool does), or once the executor terminates (seen by {@code awaitTermination},
 * {@code isTerminated} or the registry's maintenance, whichever comes first), the scheduler
 * leaves the registry with its counts.
 */
public class TrackingScheduledExecutorService implements ScheduledExecutorService, AutoCloseable {

	private final ScheduledExecutorService delegate;

	private final SchedulerTracker tracker;

	private final TaskAdmission admission;

	private final Set<TrackedCommand<?>> livePeriodic;

	/**
	 * Decorate an executor.
	 * @param delegate the executor to decorate
	 * @param registry the registry to report to
	 * @param name the name to report under
	 */
	public TrackingScheduledExecutorService(ScheduledExecutorService delegate, TimerRegistry registry, String name) {
		this.delegate = delegate;
		this.tracker = registry.register(name, delegate.getClass().getSimpleName());
		this.admission = new TaskAdmission(this.tracker, true);
		this.livePeriodic = this.admission.keepLivePeriodic();
		// Nothing the tracker holds refers to this decorator or holds the executor strongly: the
		// registry holds the tracker, and an executor the application dropped with no thread left
		// must stay collectable.
		Set<TrackedCommand<?>> live = this.livePeriodic;
		SchedulerTracker tracker = this.tracker;
		WeakReference<ScheduledExecutorService> executor = new WeakReference<>(delegate);
		this.tracker.onClose(() -> settleAll(live));
		this.tracker.onMaintain(() -> settleAfterShutdown(live, executor.get(), tracker));
		this.tracker.attach(delegate, new WeakProbe(executor, !(delegate instanceof ThreadPoolExecutor)));
	}

	private static final class WeakProbe implements SchedulerProbe {

		private final WeakReference<ScheduledExecutorService> executor;

		private final boolean queueMayOutliveExecutor;

		WeakProbe(WeakReference<ScheduledExecutorService> executor, boolean queueMayOutliveExecutor) {
			this.executor = executor;
			this.queueMayOutliveExecutor = queueMayOutliveExecutor;
		}

		@Override
		public boolean isTerminated() {
			ScheduledExecutorService executor = this.executor.get();
			return executor != null && executor.isTerminated();
		}

		// A pool's tasks wait in its own queue, collected with it. Another executor may hand them
		// to one that outlives it, as the wrappers of Executors do (newSingleThreadScheduledExecutor,
		// unconfigurableScheduledExecutorService), and its pending tasks may still run.
		@Override
		public boolean pendingTasksOutliveTheScheduler() {
			return this.queueMayOutliveExecutor;
		}

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
		Objects.requireNonNull(command, "command");
		TrackedCommand<Void> tracked = this.admission.admit(command, TaskKind.ONCE, -1,
				TaskAdmission.delayNanos(delay, unit), null);
		if (tracked == null) {
			return this.delegate.schedule(command, delay, unit);
		}
		return TrackedFuture.of(this.admission.submit(tracked, () -> this.delegate.schedule((Runnable) tracked, delay, unit)),
				tracked);
	}

	@Override
	public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
		Objects.requireNonNull(callable, "callable");
		TrackedCommand<V> tracked = this.admission.admit(callable, TaskAdmission.delayNanos(delay, unit), null);
		if (tracked == null) {
			return this.delegate.schedule(callable, delay, unit);
		}
		return TrackedFuture.of(this.admission.submit(tracked, () -> this.delegate.schedule((Callable<V>) tracked, delay, unit)),
				tracked);
	}

	@Override
	public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
		TrackedCommand<Void> tracked = admit(command, TaskKind.FIXED_RATE, nanos(period, unit));
		if (tracked == null) {
			return this.delegate.scheduleAtFixedRate(command, initialDelay, period, unit);
		}
		return TrackedFuture.of(this.admission.submit(tracked,
				() -> this.delegate.scheduleAtFixedRate(tracked, initialDelay, period, unit)), tracked);
	}

	@Override
	public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay,
			TimeUnit unit) {
		TrackedCommand<Void> tracked = admit(command, TaskKind.FIXED_DELAY, nanos(delay, unit));
		if (tracked == null) {
			return this.delegate.scheduleWithFixedDelay(command, initialDelay, delay, unit);
		}
		return TrackedFuture.of(this.admission.submit(tracked,
				() -> this.delegate.scheduleWithFixedDelay(tracked, initialDelay, delay, unit)), tracked);
	}

	@Override
	public void execute(Runnable command) {
		TrackedCommand<Void> tracked = admit(command, TaskKind.ONCE, -1);
		if (tracked == null) {
			this.delegate.execute(command);
			return;
		}
		this.admission.submit(tracked, () -> {
			this.delegate.execute(tracked);
			return null;
		});
	}

	// The submit methods call the executor's own: an executor's submit need not be a
	// schedule(0) (a ForkJoinPool queues it at once, where its schedule goes through a delay
	// scheduler). The task's delay is zero all the same.

	@Override
	public Future<?> submit(Runnable task) {
		Objects.requireNonNull(task, "task");
		TrackedCommand<Void> tracked = this.admission.admit(task, TaskKind.ONCE, -1, 0, null);
		if (tracked == null) {
			return this.delegate.submit(task);
		}
		return tracked(this.admission.submit(tracked, () -> this.delegate.submit((Runnable) tracked)), tracked);
	}

	@Override
	public <T> Future<T> submit(Runnable task, T result) {
		Objects.requireNonNull(task, "task");
		TrackedCommand<Void> tracked = this.admission.admit(task, TaskKind.ONCE, -1, 0, null);
		if (tracked == null) {
			return this.delegate.submit(task, result);
		}
		return tracked(this.admission.submit(tracked, () -> this.delegate.submit((Runnable) tracked, result)),
				tracked);
	}

	@Override
	public <T> Future<T> submit(Callable<T> task) {
		Objects.requireNonNull(task, "task");
		TrackedCommand<T> tracked = this.admission.admit(task, 0, null);
		if (tracked == null) {
			return this.delegate.submit(task);
		}
		return tracked(this.admission.submit(tracked, () -> this.delegate.submit((Callable<T>) tracked)), tracked);
	}

	// The executor's future, wrapped so that its cancellation is counted; a scheduled one stays
	// a ScheduledFuture, as the executor returned it.
	private static <T> Future<T> tracked(Future<T> future, TrackedCommand<?> command) {
		if (future instanceof ScheduledFuture<T> scheduled) {
			return new TrackedFuture<>(scheduled, command);
		}
		return (future != null) ? new TrackedSubmission<>(future, command) : null;
	}

	@Override
	public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) throws InterruptedException {
		List<Callable<T>> admitted = admitAll(tasks);
		try {
			return settleCancelled(admitted, this.delegate.invokeAll(admitted));
		}
		catch (InterruptedException ex) {
			settleUnfinished(admitted);
			throw ex;
		}
		finally {
			settleUnrun(admitted);
		}
	}

	@Override
	public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
			throws InterruptedException {
		List<Callable<T>> admitted = admitAll(tasks);
		try {
			return settleCancelled(admitted, this.delegate.invokeAll(admitted, timeout, unit));
		}
		catch (InterruptedException ex) {
			settleUnfinished(admitted);
			throw ex;
		}
		finally {
			settleUnrun(admitted);
		}
	}

	@Override
	public <T> T invokeAny(Collection<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
		List<Callable<T>> admitted = admitAll(tasks);
		try {
			return this.delegate.invokeAny(admitted);
		}
		finally {
			settleUnfinished(admitted);
			settleUnrun(admitted);
		}
	}

	@Override
	public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
			throws InterruptedException, ExecutionException, TimeoutException {
		List<Callable<T>> admitted = admitAll(tasks);
		try {
			return this.delegate.invokeAny(admitted, timeout, unit);
		}
		finally {
			settleUnfinished(admitted);
			settleUnrun(admitted);
		}
	}

	// invokeAll cancels the tasks still running at its timeout, which may then return or throw:
	// their futures, in the order of the tasks, are the truth, as for a future the user cancels.
	private static <T> List<Future<T>> settleCancelled(List<Callable<T>> admitted, List<Future<T>> futures) {
		try {
			for (int i = 0; i < futures.size() && i < admitted.size(); i++) {
				if (admitted.get(i) instanceof TrackedCommand<?> command && futures.get(i).isCancelled()) {
					command.onCancel();
				}
			}
		}
		catch (RuntimeException ex) {
			// A delegate's own futures: what they throw stays with tracking.
			TrackingFailures.report(ex);
		}
		return futures;
	}

	// When invokeAny returns or throws, or invokeAll is interrupted, the executor has cancelled
	// every task not yet done (ExecutorService says so): one still running then was running when
	// its future was cancelled (the executor's future records a result only after the task has
	// returned, and a task never starts once cancelled), and that future says cancelled.
	private static <T> void settleUnfinished(List<Callable<T>> admitted) {
		for (Callable<T> task : admitted) {
			if (task instanceof TrackedCommand<?> command && command.trackedState() == TaskState.RUNNING) {
				command.onCancel();
			}
		}
	}

	// When invokeAll or invokeAny returns or throws, a task that has not started never will:
	// it was cancelled (on a timeout, an interrupt, or another task's success) or refused.
	private static <T> void settleUnrun(List<Callable<T>> admitted) {
		for (Callable<T> task : admitted) {
			if (task instanceof TrackedCommand<?> command && command.trackedState() == TaskState.PENDING) {
				command.onDiscard();
			}
		}
	}

	@Override
	public void shutdown() {
		this.delegate.shutdown();
		settleShutdown();
	}

	// A periodic task running when the executor was shut down, or not yet handed its future, is
	// cancelled by the executor after that run, with no word to anyone: maintenance settles it.
	private static void settleAfterShutdown(Set<TrackedCommand<?>> livePeriodic,
			@Nullable ScheduledExecutorService delegate, SchedulerTracker tracker) {
		if (delegate != null && delegate.isShutdown()) {
			settleShutdown(livePeriodic, delegate, tracker);
		}
	}

	private void settleShutdown() {
		settleShutdown(this.livePeriodic, this.delegate, this.tracker);
	}

	// The periodic tasks the executor cancels on shutdown are never heard of again.
	private static void settleShutdown(Set<TrackedCommand<?>> livePeriodic, ScheduledExecutorService delegate,
			SchedulerTracker tracker) {
		for (TrackedCommand<?> command : livePeriodic) {
			Future<?> future = command.future();
			if (future != null && future.isCancelled()) {
				command.onCancel();
			}
		}
		if (delegate.isTerminated()) {
			tracker.close();
		}
	}

	@Override
	public List<Runnable> shutdownNow() {
		List<Runnable> drained = this.delegate.shutdownNow();
		if (this.delegate.isShutdown()) {
			// Nothing queued will run: the scheduler leaves the registry now, with its counts.
			// An executor that ignores the call (a ForkJoinPool's common pool) runs on, tracked.
			this.tracker.close();
		}
		return drained;
	}

	/**
	 * Close the executor with its own {@code close()} (Java 19 and later), then settle what
	 * that shutdown dropped, as {@link #shutdown()} does. An executor's own close may differ
	 * from the interface's default, which waits until the executor terminates: the common
	 * pool's does nothing and returns, where the default would wait for ever. Before
	 * Java 19, where an executor has no {@code close()}, this does what Java 19's default does:
	 * shut down, wait for termination, and shut down now if interrupted while waiting.
	 */
	@Override
	public void close() {
		if (this.delegate instanceof AutoCloseable closeable) {
			try {
				closeable.close();
			}
			catch (Exception ex) {
				// ExecutorService.close declares none: one thrown sneakily passes on unchanged.
				throw TrackingScheduledExecutorService.<RuntimeException>sneaky(ex);
			}
			finally {
				settleShutdown();
			}
			return;
		}
		boolean terminated = isTerminated();
		if (terminated) {
			return;
		}
		shutdown();
		boolean interrupted = false;
		while (!terminated) {
			try {
				terminated = awaitTermination(1, TimeUnit.DAYS);
			}
			catch (InterruptedException ex) {
				if (!interrupted) {
					shutdownNow();
					interrupted = true;
				}
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

	@SuppressWarnings("unchecked")
	private static <E extends Throwable> E sneaky(Throwable ex) throws E {
		throw (E) ex;
	}

	@Override
	public boolean isShutdown() {
		return this.delegate.isShutdown();
	}

	@Override
	public boolean isTerminated() {
		boolean terminated = this.delegate.isTerminated();
		if (terminated) {
			this.tracker.close();
		}
		return terminated;
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

	// Once the executor stops, no periodic task it held will run again.
	private static void settleAll(Set<TrackedCommand<?>> livePeriodic) {
		for (TrackedCommand<?> command : livePeriodic) {
			command.onDiscard();
		}
	}

	private TrackedCommand<Void> admit(Runnable command, TaskKind kind, long periodNanos) {
		Objects.requireNonNull(command, "command");
		return this.admission.admit(command, kind, periodNanos, -1, null);
	}

	private static long nanos(long duration, TimeUnit unit) {
		Objects.requireNonNull(unit, "unit");
		return unit.toNanos(duration);
	}

	private <T> List<Callable<T>> admitAll(Collection<? extends Callable<T>> tasks) {
		List<Callable<T>> result = new ArrayList<>(tasks.size());
		for (Callable<T> task : tasks) {
			// A null is passed on for the executor to refuse as it does, after the tasks before
			// it, which are then settled like any other that did not run.
			TrackedCommand<T> tracked = (task != null) ? this.admission.admit(task, -1, null) : null;
			result.add((tracked != null) ? tracked : task);
		}
		return result;
	}

}
