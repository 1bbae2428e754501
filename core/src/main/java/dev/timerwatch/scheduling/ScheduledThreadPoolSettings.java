package dev.timerwatch.scheduling;

import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * What a {@link TrackingScheduledThreadPoolExecutor} copies of the executor it replaces, read
 * at one moment: the one list of those settings, for the copy made at once
 * ({@link TrackingScheduledThreadPoolExecutor#copyOf}) and for a copy made early that catches
 * up later with what the original's initialization changed.
 *
 * @param corePoolSize the number of threads to keep
 * @param threadFactory creates the threads
 * @param rejectedExecutionHandler receives rejected tasks, as the executor reports it
 * @param keepAliveNanos how long an idle thread over the core size lives
 * @param allowCoreThreadTimeOut whether core threads time out too
 * @param removeOnCancel the remove-on-cancel policy
 * @param continuePeriodic whether periodic tasks run on after {@code shutdown}
 * @param executeDelayed whether delayed tasks run after {@code shutdown}
 */
public record ScheduledThreadPoolSettings(int corePoolSize, ThreadFactory threadFactory,
		RejectedExecutionHandler rejectedExecutionHandler, long keepAliveNanos, boolean allowCoreThreadTimeOut,
		boolean removeOnCancel, boolean continuePeriodic, boolean executeDelayed) {

	/**
	 * Read the settings of an executor.
	 * @param executor the executor
	 * @return its settings now
	 */
	public static ScheduledThreadPoolSettings of(ScheduledThreadPoolExecutor executor) {
		return new ScheduledThreadPoolSettings(executor.getCorePoolSize(), executor.getThreadFactory(),
				executor.getRejectedExecutionHandler(), executor.getKeepAliveTime(TimeUnit.NANOSECONDS),
				executor.allowsCoreThreadTimeOut(), executor.getRemoveOnCancelPolicy(),
				executor.getContinueExistingPeriodicTasksAfterShutdownPolicy(),
				executor.getExecuteExistingDelayedTasksAfterShutdownPolicy());
	}

	/**
	 * Make on an executor each of these settings that differs from the given earlier ones,
	 * leaving the others as the executor has them.
	 * @param earlier the settings these are compared with
	 * @param executor the executor to change
	 */
	public void applyChanges(ScheduledThreadPoolSettings earlier, ScheduledThreadPoolExecutor executor) {
		if (this.corePoolSize != earlier.corePoolSize) {
			executor.setCorePoolSize(this.corePoolSize);
		}
		if (this.threadFactory != earlier.threadFactory) {
			executor.setThreadFactory(this.threadFactory);
		}
		if (this.rejectedExecutionHandler != earlier.rejectedExecutionHandler) {
			executor.setRejectedExecutionHandler(this.rejectedExecutionHandler);
		}
		if (this.keepAliveNanos != earlier.keepAliveNanos) {
			if (!this.allowCoreThreadTimeOut) {
				// A keep-alive of zero is refused while core threads may time out.
				executor.allowCoreThreadTimeOut(false);
			}
			executor.setKeepAliveTime(this.keepAliveNanos, TimeUnit.NANOSECONDS);
		}
		if (this.allowCoreThreadTimeOut != earlier.allowCoreThreadTimeOut) {
			executor.allowCoreThreadTimeOut(this.allowCoreThreadTimeOut);
		}
		if (this.removeOnCancel != earlier.removeOnCancel) {
			executor.setRemoveOnCancelPolicy(this.removeOnCancel);
		}
		if (this.continuePeriodic != earlier.continuePeriodic) {
			executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(this.continuePeriodic);
		}
		if (this.executeDelayed != earlier.executeDelayed) {
			executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(this.executeDelayed);
		}
	}

}
