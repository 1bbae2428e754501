package dev.timerwatch.test;

import java.util.Locale;

import dev.timerwatch.tracking.TaskOrigin;

/**
 * Tasks of one origin on one scheduler that a test created and left pending. Immutable.
 */
public final class TaskLeak {

	private final TaskOrigin origin;

	private final String schedulerName;

	private final long count;

	private final boolean periodic;

	private final String fix;

	TaskLeak(TaskOrigin origin, String schedulerName, long count, boolean periodic, String fix) {
		this.origin = origin;
		this.schedulerName = schedulerName;
		this.count = count;
		this.periodic = periodic;
		this.fix = fix;
	}

	/**
	 * The line that scheduled the tasks, as {@code /actuator/timers} names it.
	 * @return the origin
	 */
	public TaskOrigin origin() {
		return this.origin;
	}

	public String schedulerName() {
		return this.schedulerName;
	}

	/**
	 * How many tasks created during the test are still pending, at least.
	 * @return the count
	 */
	public long count() {
		return this.count;
	}

	/**
	 * Whether the origin's tasks are periodic (fixed rate, fixed delay or trigger).
	 * @return whether they are
	 */
	public boolean isPeriodic() {
		return this.periodic;
	}

	/**
	 * The fix, worded as in the {@code TIMER LEAK:} log line.
	 * @return the fix
	 */
	public String fix() {
		return this.fix;
	}

	/**
	 * The report, in the style of the {@code TIMER LEAK:} log line.
	 * @return one line
	 */
	public String message() {
		String failure;
		if (this.origin.isScheduledMethod()) {
			failure = "@Scheduled method " + this.origin.describe() + " was scheduled again and not stopped;";
		}
		else if (this.origin.isUnknown()) {
			failure = "ScheduledFuture returned at an unknown call site (no application frame within "
					+ "timerwatch.origin.max-depth) is not cancelled;";
		}
		else {
			failure = "ScheduledFuture returned at " + this.origin.describe() + " is not cancelled;";
		}
		String what = (this.periodic ? "periodic task" : "one-shot task") + ((this.count == 1) ? "" : "s");
		return String.format(Locale.ROOT, "TIMER LEAK: %s %,d %s created during the test still pending on scheduler '%s'. Fix: %s.",
				failure, this.count, what, this.schedulerName, this.fix);
	}

	@Override
	public String toString() {
		return message();
	}

}
