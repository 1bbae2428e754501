package dev.timerwatch.autoconfigure.scheduling;

import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;

import dev.timerwatch.tracking.SchedulerProbe;

import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * Reads a {@link ThreadPoolTaskScheduler}'s executor. The executor's queue is not visible to
 * the interceptor, so cancelled tasks it retains are counted by scanning the queue when
 * asked, which costs time in the queue's length, on the reading thread only.
 */
final class ThreadPoolTaskSchedulerProbe implements SchedulerProbe {

	private final ThreadPoolTaskScheduler scheduler;

	ThreadPoolTaskSchedulerProbe(ThreadPoolTaskScheduler scheduler) {
		this.scheduler = scheduler;
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

	private ScheduledThreadPoolExecutor executor() {
		try {
			return this.scheduler.getScheduledThreadPoolExecutor();
		}
		catch (IllegalStateException ex) {
			return null;
		}
	}

}
