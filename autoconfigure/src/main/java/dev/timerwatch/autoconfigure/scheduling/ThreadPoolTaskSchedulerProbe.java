package dev.timerwatch.autoconfigure.scheduling;

import java.lang.ref.WeakReference;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;

import dev.timerwatch.tracking.SchedulerProbe;
import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * Reads a {@link ThreadPoolTaskScheduler}'s executor. The executor's queue is not visible to
 * the interceptor, so cancelled tasks it retains are counted by scanning the queue when
 * asked, which costs time in the queue's length, on the reading thread only.
 */
final class ThreadPoolTaskSchedulerProbe implements SchedulerProbe {

	// Weakly, as its tracker holds it: a scheduler dropped before it started a thread must stay
	// collectable, and its tracker then leaves the registry.
	private final WeakReference<ThreadPoolTaskScheduler> scheduler;

	ThreadPoolTaskSchedulerProbe(ThreadPoolTaskScheduler scheduler) {
		this.scheduler = new WeakReference<>(scheduler);
	}

	@Override
	public int poolSize() {
		ScheduledThreadPoolExecutor executor = executor();
		return (executor != null) ? executor.getPoolSize() : -1;
	}

	@Override
	public int queueSize() {
		ScheduledThreadPoolExecutor executor = executor();
		return (executor != null) ? executor.getQueue().size() : -1;
	}

	@Override
	public long retainedCancelled() {
		ScheduledThreadPoolExecutor executor = executor();
		if (executor == null) {
			return -1;
		}
		if (executor.getRemoveOnCancelPolicy()) {
			return 0;
		}
		long retained = 0;
		for (Runnable task : executor.getQueue()) {
			if (task instanceof Future<?> future && future.isCancelled()) {
				retained++;
			}
		}
		return retained;
	}

	@Override
	public boolean isTerminated() {
		ScheduledThreadPoolExecutor executor = executor();
		return executor != null && executor.isTerminated();
	}

	// Its executor is its own, and refers back to it (Spring's executor is an inner class of the
	// scheduler, which it calls before and after each run): once the scheduler is collected, so
	// is the executor with its queue, and no task counted pending will run.
	@Override
	public boolean pendingTasksOutliveTheScheduler() {
		return false;
	}

	private @Nullable ScheduledThreadPoolExecutor executor() {
		ThreadPoolTaskScheduler scheduler = this.scheduler.get();
		if (scheduler == null) {
			return null;
		}
		try {
			return scheduler.getScheduledThreadPoolExecutor();
		}
		catch (IllegalStateException ex) {
			return null;
		}
	}

}
