package dev.timerwatch.test;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import dev.timerwatch.tracking.OriginStats;
import dev.timerwatch.tracking.TaskKind;
import dev.timerwatch.tracking.TimerRegistry;
import dev.timerwatch.trend.LeakHints;

/**
 * Every origin's counts when a check began, to tell the tasks a test created from those that
 * were there before it.
 *
 * <p>The registry keeps counts, not tasks, so what a test left pending is bounded from below:
 * an origin's unfinished tasks (pending or running) can only fall by tasks that existed
 * before, so a rise is the test's own. Its created tasks bound the figure from above. The
 * bound never blames a test for a task it did not create; it can miss one when, during the
 * test, tasks of the same line from before ended as many as the test left behind.
 */
final class TaskBaseline {

	private static final long[] NONE = { 0, 0 };

	private final List<TimerRegistry> registries;

	private final Map<OriginStats, long[]> counts = new IdentityHashMap<>();

	TaskBaseline(List<TimerRegistry> registries) {
		this.registries = registries;
		for (TimerRegistry registry : registries) {
			for (OriginStats origin : registry.origins()) {
				this.counts.put(origin, new long[] { origin.scheduled(), unfinished(origin) });
			}
		}
	}

	/**
	 * The origins with tasks created since the baseline and still unfinished.
	 * @param options what to ignore
	 * @return the leaks, possibly empty
	 */
	List<TaskLeak> leaks(TimerLeakOptions options) {
		List<TaskLeak> leaks = new ArrayList<>();
		for (TimerRegistry registry : this.registries) {
			for (OriginStats origin : registry.origins()) {
				// An origin not in the baseline is new, or was dropped idle and made afresh: all its
				// tasks are the test's.
				if (origin.kinds().contains(TaskKind.THREAD)) {
					// An application's registry counts threads too; ThreadBaseline checks threads.
					continue;
				}
				long[] before = this.counts.getOrDefault(origin, NONE);
				long created = origin.scheduled() - before[0];
				if (created <= 0) {
					continue;
				}
				long left = Math.min(created, unfinished(origin) - before[1]);
				if (left > 0 && !options.ignores(origin.origin())) {
					leaks.add(new TaskLeak(origin.origin(), origin.schedulerName(), left,
							origin.kinds().stream().anyMatch(TaskKind::isPeriodic),
							String.valueOf(LeakHints.hint(origin, true, -1))));
				}
			}
		}
		return leaks;
	}

	private static long unfinished(OriginStats origin) {
		return origin.pending() + origin.running();
	}

}
