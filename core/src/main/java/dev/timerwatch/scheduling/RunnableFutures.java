package dev.timerwatch.scheduling;

import java.util.concurrent.FutureTask;

import dev.timerwatch.tracking.TrackingFailures;
import org.jspecify.annotations.Nullable;

/**
 * What became of a one-shot runnable that is itself a {@link FutureTask}: those that
 * {@code invokeAll} and {@code invokeAny} hand to {@code execute}, or one of the application's.
 * Its run returns whatever became of it, keeping its failure to itself and returning at once
 * if it was cancelled, so the executor's task completes: it ends as its own future says.
 * Only a {@code FutureTask}, whose {@code get} once done neither waits nor reads the caller's
 * interrupt; what its methods throw stays here, as if it had said nothing.
 */
final class RunnableFutures {

	private RunnableFutures() {
	}

	/**
	 * Whether a runnable is a future task that was cancelled.
	 * @param runnable the runnable, after its run
	 * @return whether it is a {@code FutureTask} and says it was cancelled
	 */
	static boolean cancelled(Object runnable) {
		if (!(runnable instanceof FutureTask<?> task)) {
			return false;
		}
		try {
			return task.isCancelled();
		}
		catch (Throwable ex) {
			TrackingFailures.report(ex);
			return false;
		}
	}

	/**
	 * What a runnable that is a future task failed with.
	 * @param runnable the runnable, after its run
	 * @return the failure, or {@code null} if it is no {@code FutureTask}, is not done, completed
	 * or was cancelled
	 */
	static @Nullable Throwable failure(Object runnable) {
		if (!(runnable instanceof FutureTask<?> task)) {
			return null;
		}
		try {
			return (task.isDone() && !task.isCancelled()) ? TrackedScheduledFuture.failureOf(task) : null;
		}
		catch (Throwable ex) {
			TrackingFailures.report(ex);
			return null;
		}
	}

}
