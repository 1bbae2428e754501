package dev.timerwatch.simulation;

import java.util.random.RandomGenerator;

import dev.timerwatch.tracking.TaskKind;

/**
 * Where the tasks of one simulated origin come from: how many are created in a stretch of
 * time, of which kind, and how long each lives.
 */
interface Source {

	/** The lifetime of a task that never ends by itself: a leaked one. */
	long NEVER = Long.MAX_VALUE;

	/**
	 * Create the tasks of {@code [fromMillis, fromMillis + lengthMillis)}.
	 * @param fromMillis simulated time since the start
	 * @param lengthMillis the stretch's length
	 * @param random the run's random numbers
	 * @param sink takes each task
	 */
	void emit(long fromMillis, long lengthMillis, RandomGenerator random, Sink sink);

	/**
	 * Takes the tasks a source creates.
	 */
	interface Sink {

		/**
		 * One task.
		 * @param kind how it is scheduled
		 * @param createdMillis when, in simulated time since the start
		 * @param lifetimeMillis how long until it ends, or {@link #NEVER}
		 * @param timeoutMillis the delay of a one-shot task that is a timeout, cancelled
		 * when its lifetime ends, if the simulation models timeouts
		 * ({@link Simulation.Delays#TIMEOUT}); -1 for a task that fires when its lifetime
		 * ends, its delay
		 */
		void task(TaskKind kind, long createdMillis, long lifetimeMillis, long timeoutMillis);

	}

}
