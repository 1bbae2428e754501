package dev.timerwatch.tracking;

/**
 * How a task was scheduled.
 */
public enum TaskKind {

	/** Runs once, after a delay or immediately ({@code schedule}, {@code execute}, {@code submit}). */
	ONCE,

	/** Runs periodically at a fixed rate. */
	FIXED_RATE,

	/** Runs periodically with a fixed delay between the end of one run and the start of the next. */
	FIXED_DELAY,

	/** Runs whenever a trigger (for example a cron expression) says so. */
	TRIGGER,

	/**
	 * Not a task: a live executor, {@code java.util.Timer} or thread, counted from the threads
	 * it started (see {@code dev.timerwatch.threads.ThreadLeakTracker}). Never the kind of a
	 * {@link TrackedTask}.
	 */
	THREAD;

	/**
	 * Whether a task of this kind runs more than once until it is cancelled.
	 * @return whether the kind is periodic
	 */
	public boolean isPeriodic() {
		return this == FIXED_RATE || this == FIXED_DELAY || this == TRIGGER;
	}

}
