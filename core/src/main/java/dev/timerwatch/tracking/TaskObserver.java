package dev.timerwatch.tracking;

import org.jspecify.annotations.Nullable;

/**
 * Callbacks around each run of a tracked task, for timing meters and misuse detection.
 * Called on the task's own thread, so implementations must be fast; anything they throw is
 * caught and reported to {@link TrackingFailures}, never to the task.
 */
public interface TaskObserver {

	/** An observer that does nothing; with it, runs are not timed at all. */
	TaskObserver NONE = new TaskObserver() {
	};

	/**
	 * A run is about to start.
	 * @param origin the task's origin
	 * @param lagNanos how late the run starts against its planned time, or a negative number if
	 * the scheduler does not say
	 */
	default void runStarted(OriginStats origin, long lagNanos) {
	}

	/**
	 * A run has ended.
	 * @param origin the task's origin
	 * @param durationNanos how long the run took
	 * @param failure what the run threw, if anything
	 */
	default void runFinished(OriginStats origin, long durationNanos, @Nullable Throwable failure) {
	}

	/**
	 * An observer that calls two others in turn; what the first throws does not stop the second.
	 * @param first the first observer
	 * @param second the second observer
	 * @return the combined observer
	 */
	static TaskObserver both(TaskObserver first, TaskObserver second) {
		return new TaskObserver() {

			@Override
			public void runStarted(OriginStats origin, long lagNanos) {
				try {
					first.runStarted(origin, lagNanos);
				}
				finally {
					second.runStarted(origin, lagNanos);
				}
			}

			@Override
			public void runFinished(OriginStats origin, long durationNanos, @Nullable Throwable failure) {
				try {
					first.runFinished(origin, durationNanos, failure);
				}
				finally {
					second.runFinished(origin, durationNanos, failure);
				}
			}

		};
	}

}
