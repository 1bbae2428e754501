package dev.timerwatch.scheduling;

import dev.timerwatch.tracking.OriginStats;
import dev.timerwatch.tracking.TaskObserver;
import dev.timerwatch.tracking.TrackingFailures;
import org.jspecify.annotations.Nullable;

/**
 * Calls a {@link TaskObserver} so that whatever it throws stops there: neither the task nor
 * the task's accounting may depend on an observer behaving.
 */
final class Observers {

	private Observers() {
	}

	static void runStarted(TaskObserver observer, OriginStats origin, long lagNanos) {
		try {
			observer.runStarted(origin, lagNanos);
		}
		catch (Throwable ex) {
			TrackingFailures.report(ex);
		}
	}

	static void runFinished(TaskObserver observer, OriginStats origin, long durationNanos,
			@Nullable Throwable failure) {
		try {
			observer.runFinished(origin, durationNanos, failure);
		}
		catch (Throwable ex) {
			TrackingFailures.report(ex);
		}
	}

}
