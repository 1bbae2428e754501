package dev.timerwatch.simulation;

import dev.timerwatch.tracking.PendingBucket;
import dev.timerwatch.tracking.TaskKind;
import dev.timerwatch.tracking.TaskObserver;
import dev.timerwatch.tracking.TrackedTask;
import org.jspecify.annotations.Nullable;

/**
 * A tracked task with no executor behind it: the simulation ends it by hand, through the
 * same transitions a decorator uses, at the simulated time its lifetime runs out.
 */
final class SimulatedTask extends TrackedTask {

	long endTick;

	SimulatedTask(PendingBucket bucket, TaskKind kind) {
		super(bucket, kind);
	}

	/**
	 * A one-shot task fires and completes; a periodic one is cancelled, as a periodic task
	 * only ends that way.
	 */
	void end() {
		if (kind().isPeriodic()) {
			cancelled(false);
		}
		else {
			long start = beginRun(TaskObserver.NONE);
			if (start != UNTRACKED_RUN) {
				endRun(TaskObserver.NONE, start, null);
			}
		}
	}

	@Override
	protected Outcome settle(@Nullable Throwable failure) {
		return Outcome.COMPLETED;
	}

}
