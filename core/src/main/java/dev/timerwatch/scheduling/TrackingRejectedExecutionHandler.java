package dev.timerwatch.scheduling;

import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * Takes a rejected task out of the counts, then hands it to the user's handler with the
 * executor the caller holds, exactly as the executor would have.
 */
final class TrackingRejectedExecutionHandler implements RejectedExecutionHandler {

	final RejectedExecutionHandler delegate;

	TrackingRejectedExecutionHandler(RejectedExecutionHandler delegate) {
		this.delegate = delegate;
	}

	@Override
	public void rejectedExecution(Runnable task, ThreadPoolExecutor executor) {
		if (executor instanceof TrackingScheduledThreadPoolExecutor tracking) {
			tracking.rejected(task);
		}
		this.delegate.rejectedExecution(task, executor);
	}

}
