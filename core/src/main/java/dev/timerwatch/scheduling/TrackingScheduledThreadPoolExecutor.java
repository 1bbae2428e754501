package dev.timerwatch.scheduling;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

import dev.timerwatch.tracking.PendingBucket;
import dev.timerwatch.tracking.SchedulerProbe;
import dev.timerwatch.tracking.SchedulerTracker;
import dev.timerwatch.tracking.TaskKind;
import dev.timerwatch.tracking.TimerRegistry;
import dev.timerwatch.tracking.TrackingFailures;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ScheduledThreadPoolExecutor} that records every task it accepts.
 *
 * <p>It tracks through {@link #decorateTask}, the hook the JDK provides for exactly this, so
 * the executor's own code does everything else: {@code schedule} returns the very object that
 * sits in {@link #getQueue()} and that {@link #remove} accepts, rejection handlers receive
 * this executor, shutdown policies and {@code shutdownNow} behave as before. Being a subclass,
 * it is still a {@code ScheduledThreadPoolExecutor} wherever one is injected, and it needs no
 * JVM flags (a runtime proxy of a {@code java.util.concurrent} class would).
 *
 * <p>Cancelled tasks stay in the queue until their delay expires unless the remove-on-cancel
 * policy is on; this executor counts them, because they are what leaks when timeouts are
 * cancelled by the thousand. While the policy is on, nothing is retained to count, and tasks
 * are accepted undecorated instead (see {@link RemovableTasks}), so that cancellation keeps
 * the JDK's logarithmic removal.
 */
public class TrackingScheduledThreadPoolExecutor extends ScheduledThreadPoolExecutor {

	private final SchedulerTracker tracker;

	private final RemovableTasks removableTasks = new RemovableTasks();

	private volatile @Nullable Thread drainingThread;

	/**
	 * Create an executor tracked under the given name, with the JDK's default thread factory
	 * and abort policy.
	 * @param corePoolSize the number of threads to keep
	 * @param registry the registry to report to
	 * @param name the name to report under
	 */
	public TrackingScheduledThreadPoolExecutor(int corePoolSize, TimerRegistry registry, String name) {
		this(corePoolSize, Executors.defaultThreadFactory(), new AbortPolicy(), registry, name);
	}

	/**
	 * Create an executor tracked under the given name.
	 * @param corePoolSize the number of threads to keep
	 * @param threadFactory creates the threads
	 * @param handler receives rejected tasks
	 * @param registry the registry to report to
	 * @param name the name to report under
	 */
	public TrackingScheduledThreadPoolExecutor(int corePoolSize, ThreadFactory threadFactory,
			RejectedExecutionHandler handler, TimerRegistry registry, String name) {
		super(corePoolSize, threadFactory, new TrackingRejectedExecutionHandler(handler));
		this.tracker = registry.register(name, ScheduledThreadPoolExecutor.class.getSimpleName());
		this.tracker.attach(this, new Probe());
	}

	/**
	 * Create a tracking executor configured as the given one: pool size, thread factory,
	 * rejection handler, keep-alive and the three cancellation and shutdown policies.
	 * @param original the executor to copy; it is left untouched
	 * @param registry the registry to report to
	 * @param name the name to report under
	 * @return the new executor
	 */
	public static TrackingScheduledThreadPoolExecutor copyOf(ScheduledThreadPoolExecutor original,
			TimerRegistry registry, String name) {
		TrackingScheduledThreadPoolExecutor copy = new TrackingScheduledThreadPoolExecutor(
				original.getCorePoolSize(), original.getThreadFactory(), original.getRejectedExecutionHandler(),
				registry, name);
		copy.setKeepAliveTime(original.getKeepAliveTime(TimeUnit.NANOSECONDS), TimeUnit.NANOSECONDS);
		copy.allowCoreThreadTimeOut(original.allowsCoreThreadTimeOut());
		copy.setRemoveOnCancelPolicy(original.getRemoveOnCancelPolicy());
		copy.setContinueExistingPeriodicTasksAfterShutdownPolicy(
				original.getContinueExistingPeriodicTasksAfterShutdownPolicy());
		copy.setExecuteExistingDelayedTasksAfterShutdownPolicy(
				original.getExecuteExistingDelayedTasksAfterShutdownPolicy());
		return copy;
	}

	/**
	 * The tracker this executor reports to.
	 * @return the tracker
	 */
	public SchedulerTracker getTracker() {
		return this.tracker;
	}

	@Override
	public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
		Objects.requireNonNull(command, "command");
		Runnable removable = getRemoveOnCancelPolicy() ? TrackedCommand.admit(this.tracker, command, TaskKind.ONCE, -1) : null;
		return super.schedule((removable != null) ? removable : command, delay, unit);
	}

	@Override
	public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
		Objects.requireNonNull(callable, "callable");
		Callable<V> removable = getRemoveOnCancelPolicy() ? TrackedCommand.admit(this.tracker, callable) : null;
		return super.schedule((removable != null) ? removable : callable, delay, unit);
	}

	@Override
	public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
		Objects.requireNonNull(command, "command");
		long periodNanos = unit.toNanos(period);
		Runnable removable = getRemoveOnCancelPolicy()
				? TrackedCommand.admit(this.tracker, command, TaskKind.FIXED_RATE, periodNanos) : null;
		return super.scheduleAtFixedRate(
				(removable != null) ? removable : new PeriodicCommand(command, TaskKind.FIXED_RATE, periodNanos),
				initialDelay, period, unit);
	}

	@Override
	public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
		Objects.requireNonNull(command, "command");
		long delayNanos = unit.toNanos(delay);
		Runnable removable = getRemoveOnCancelPolicy()
				? TrackedCommand.admit(this.tracker, command, TaskKind.FIXED_DELAY, delayNanos) : null;
		return super.scheduleWithFixedDelay(
				(removable != null) ? removable : new PeriodicCommand(command, TaskKind.FIXED_DELAY, delayNanos),
				initialDelay, delay, unit);
	}

	@Override
	protected <V> RunnableScheduledFuture<V> decorateTask(Runnable runnable, RunnableScheduledFuture<V> task) {
		if (runnable instanceof TrackedCommand<?> command) {
			return registerRemovable(command, task);
		}
		if (runnable instanceof PeriodicCommand periodic) {
			return track(periodic.command, periodic.kind, periodic.periodNanos, task);
		}
		return track(runnable, TaskKind.ONCE, -1, task);
	}

	@Override
	protected <V> RunnableScheduledFuture<V> decorateTask(Callable<V> callable, RunnableScheduledFuture<V> task) {
		if (callable instanceof TrackedCommand<?> command) {
			return registerRemovable(command, task);
		}
		return track(callable, TaskKind.ONCE, -1, task);
	}

	private <V> RunnableScheduledFuture<V> registerRemovable(TrackedCommand<?> command,
			RunnableScheduledFuture<V> task) {
		try {
			this.removableTasks.register(task, command);
		}
		catch (Throwable ex) {
			TrackingFailures.report(ex);
		}
		return task;
	}

	private <V> RunnableScheduledFuture<V> track(Object command, TaskKind kind, long periodNanos,
			RunnableScheduledFuture<V> task) {
		try {
			PendingBucket bucket = this.tracker.admit(command, kind, periodNanos);
			return new TrackedScheduledFuture<>(task, bucket, kind);
		}
		catch (Throwable ex) {
			TrackingFailures.report(ex);
			return task;
		}
	}

	void afterCancel(TrackedScheduledFuture<?> task) {
		boolean removeOnCancel = getRemoveOnCancelPolicy();
		if (removeOnCancel) {
			// The JDK's own removal looks for the undecorated task and would miss this one.
			super.remove(task);
		}
		task.cancelledInQueue(!removeOnCancel);
	}

	// Also called by the JDK when a task accepted under the remove-on-cancel policy is cancelled.
	@Override
	public boolean remove(Runnable task) {
		boolean removed = super.remove(task);
		if (removed) {
			discarded(task);
		}
		return removed;
	}

	@Override
	public void purge() {
		for (Runnable task : drainQueue()) {
			if (task instanceof Future<?> future && future.isCancelled()) {
				discarded(task);
			}
			else {
				getQueue().add(task);
			}
		}
		super.purge();
	}

	@Override
	public void shutdown() {
		removeWhatShutdownDrops();
		super.shutdown();
		recountRetained();
	}

	@Override
	public List<Runnable> shutdownNow() {
		List<Runnable> drained = drainQueue();
		drained.addAll(super.shutdownNow());
		for (Runnable task : drained) {
			discarded(task);
		}
		recountRetained();
		return drained;
	}

	/**
	 * Does up front, in bulk, what the JDK's shutdown would do one task at a time: take out
	 * and cancel the periodic and delayed tasks its policies drop, and the cancelled ones.
	 */
	private void removeWhatShutdownDrops() {
		boolean keepPeriodic = getContinueExistingPeriodicTasksAfterShutdownPolicy();
		boolean keepDelayed = getExecuteExistingDelayedTasksAfterShutdownPolicy();
		List<RunnableScheduledFuture<?>> dropped = new ArrayList<>();
		for (Runnable task : drainQueue()) {
			RunnableScheduledFuture<?> future = (RunnableScheduledFuture<?>) task;
			boolean drop = future.isCancelled() || (future.isPeriodic() ? !keepPeriodic
					: (!keepDelayed && future.getDelay(TimeUnit.NANOSECONDS) > 0));
			if (drop) {
				dropped.add(future);
			}
			else {
				getQueue().add(task);
			}
		}
		for (RunnableScheduledFuture<?> future : dropped) {
			if (future instanceof TrackedScheduledFuture<?> tracked) {
				tracked.cancelOutsideQueue();
			}
			else {
				future.cancel(false);
			}
		}
	}

	/**
	 * Takes every task out of the queue in O(n log n). The JDK removes tasks one by one with
	 * {@code remove(Object)}, which finds its own tasks by index but a decorated one only by a
	 * linear scan: shutting down or purging a queue of a million decorated tasks would take
	 * hours. While this thread drains, decorated tasks report themselves due to it (and to no
	 * other thread), so that a single {@code drainTo} empties the queue.
	 */
	private List<Runnable> drainQueue() {
		List<Runnable> drained = new ArrayList<>();
		BlockingQueue<Runnable> queue = getQueue();
		this.drainingThread = Thread.currentThread();
		try {
			for (;;) {
				queue.drainTo(drained);
				Runnable head = queue.peek();
				if (head == null) {
					break;
				}
				// An undecorated task (remove-on-cancel) that is not due: the JDK finds it by index.
				if (queue.remove(head)) {
					drained.add(head);
				}
			}
		}
		finally {
			this.drainingThread = null;
		}
		return drained;
	}

	boolean isDrainingOnCurrentThread() {
		return this.drainingThread == Thread.currentThread();
	}

	private void discarded(Runnable task) {
		if (task instanceof TrackedScheduledFuture<?> tracked) {
			tracked.discardedFromQueue();
			return;
		}
		try {
			this.removableTasks.discard(task, false);
		}
		catch (Throwable ex) {
			TrackingFailures.report(ex);
		}
	}

	void rejected(Runnable task) {
		if (task instanceof TrackedScheduledFuture<?> tracked) {
			tracked.rejectedByExecutor();
			return;
		}
		try {
			this.removableTasks.discard(task, true);
		}
		catch (Throwable ex) {
			TrackingFailures.report(ex);
		}
	}

	@Override
	protected void afterExecute(Runnable task, @Nullable Throwable failure) {
		super.afterExecute(task, failure);
		try {
			this.removableTasks.afterRun(task);
		}
		catch (Throwable ex) {
			TrackingFailures.report(ex);
		}
	}

	// The JDK's shutdown cancels queued tasks after taking them out of the queue, where an
	// undecorated task cannot report it.
	private void recountRetained() {
		try {
			this.removableTasks.sweepDone();
		}
		catch (Throwable ex) {
			TrackingFailures.report(ex);
		}
	}

	@Override
	protected void terminated() {
		super.terminated();
		try {
			this.tracker.close();
		}
		catch (Throwable ex) {
			TrackingFailures.report(ex);
		}
	}

	@Override
	public void setRejectedExecutionHandler(RejectedExecutionHandler handler) {
		super.setRejectedExecutionHandler(new TrackingRejectedExecutionHandler(handler));
	}

	@Override
	public RejectedExecutionHandler getRejectedExecutionHandler() {
		RejectedExecutionHandler handler = super.getRejectedExecutionHandler();
		return (handler instanceof TrackingRejectedExecutionHandler tracking) ? tracking.delegate : handler;
	}

	private final class Probe implements SchedulerProbe {

		@Override
		public int poolSize() {
			return getPoolSize();
		}

		@Override
		public int queueSize() {
			return getQueue().size();
		}

		@Override
		public long retainedCancelled() {
			return TrackingScheduledThreadPoolExecutor.this.tracker.countedRetainedCancelled();
		}

	}

}
