package dev.timerwatch.misuse;

/**
 * A kind of scheduling misuse, with the fix that applies.
 */
public enum MisuseType {

	/** A run takes longer than its period, so runs pile up or drift. */
	OVERRUN("make the run shorter, or the period longer; with fixed-rate, late runs bunch up"),

	/** A period so short it is most likely a unit mistake (fixedRate = 5 meant as seconds). */
	HOT_LOOP("check the period's unit: @Scheduled(fixedRate) is in milliseconds unless timeUnit says otherwise, "
			+ "scheduleAtFixedRate in the unit or Duration it is given"),

	/**
	 * A periodic task on a ScheduledExecutorService threw, and the executor silently cancelled
	 * it; or the Trigger of a TaskScheduler's task threw, and Spring silently dropped the task.
	 */
	SILENT_DEATH("catch exceptions inside the periodic task (and its Trigger): one uncaught exception cancels "
			+ "every later run"),

	/** A scheduled method that fails run after run, which Spring only logs. */
	REPEATED_FAILURE("fix the failing run, or alert on it: Spring logs each failure and runs the method again"),

	/** Runs start late against their planned time, because other runs hold the scheduler's threads. */
	STARVATION("give the scheduler more threads (Boot's ThreadPoolTaskScheduler has one unless "
			+ "spring.task.scheduling.pool.size says otherwise), or move the long task to an executor of its own"),

	/** A run that has not returned after several periods. */
	STUCK("look for a blocking call without a timeout in the run (a thread dump shows where it waits)"),

	/** A periodic task that schedules new tasks on each run, which stay pending. */
	SCHEDULES_PER_RUN("schedule one task and reuse it, or cancel the previous one before scheduling the next"),

	/** {@code @Scheduled} on a bean that is not a singleton: each instance adds tasks that never stop. */
	NON_SINGLETON("make the bean a singleton, or schedule from a singleton: Spring keeps each instance's "
			+ "tasks until the context closes");

	private final String fix;

	MisuseType(String fix) {
		this.fix = fix;
	}

	/**
	 * The one-line fix.
	 * @return the fix
	 */
	public String fix() {
		return this.fix;
	}

	/**
	 * The name used in the endpoint and the meter's {@code type} tag.
	 * @return e.g. {@code hot-loop}
	 */
	public String tag() {
		return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
	}

}
