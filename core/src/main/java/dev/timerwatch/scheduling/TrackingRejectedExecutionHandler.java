package dev.timerwatch.scheduling;

import java.util.Objects;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * Takes a rejected task out of the counts, then hands it to the user's handler with the
 * executor the caller holds, exactly as the executor would have.
 */
final class TrackingRejectedExecutionHandler implements RejectedExecutionHandler {

	final RejectedExecutionHandler delegate;

	TrackingRejectedExecutionHandler(RejectedExecutionHandler delegate) {
		// The executor refuses a null handler at once, as the raw one does, not at the first
		// rejection.
		this.delegate = Objects.requireNonNull(delegate);
	}

	@Override
	public void rejectedExecution(Runnable task, ThreadPoolExecutor executor) {
		if (executor instanceof TrackingScheduledThreadPoolExecutor tracking) {
			tracking.rejected(task);
		}
		this.delegate.rejectedExecution(task, executor);
	}

}
