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

	/**
	 * Whether tasks still pending when the application has let the scheduler go (and it was
	 * collected) may run later: they may when they wait in an executor that outlives the
	 * scheduler. A scheduler whose queue dies with it (a {@code SimpleAsyncTaskScheduler}, whose
	 * queue's thread would have kept it reachable) answers {@code false}, and its tracker then
	 * leaves the registry once no task is running, however many never-run tasks it counted.
	 * @return whether pending tasks may outlive the scheduler
	 */
	default boolean pendingTasksOutliveTheScheduler() {
		return true;
	}

}
