package dev.timerwatch.tracking;

/**
 * Reads live figures from a tracked scheduler. Each method may answer {@code -1} when the
 * scheduler does not expose the figure.
 */
public interface SchedulerProbe {

	/** A probe that knows nothing. */
	SchedulerProbe NONE = new SchedulerProbe() {
	};

	/**
	 * The number of threads in the scheduler's pool.
	 * @return the pool size, or -1
	 */
	default int poolSize() {
		return -1;
	}

	/**
	 * The number of tasks in the scheduler's queue, cancelled ones included.
	 * @return the queue size, or -1
	 */
	default int queueSize() {
		return -1;
	}

	/**
	 * The number of cancelled tasks still held in the scheduler's queue because its
	 * remove-on-cancel policy is off.
	 * @return the count, or -1
	 */
	default long retainedCancelled() {
		return -1;
	}

	/**
	 * Whether the scheduler has terminated, for schedulers that cannot tell their tracker
	 * themselves: the registry's maintenance then closes the tracker.
	 * @return whether it has terminated
	 */
	default boolean isTerminated() {
		return false;
	}

}
