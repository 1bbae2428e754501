package dev.timerwatch.endpoint;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;

/**
 * The answer of {@code GET /actuator/timers/{id}}: one origin with its sampled history, a
 * sample of its oldest pending tasks and, when details are shown, the stack that created it.
 */
public final class OriginDetailDescriptor extends OriginDescriptor implements OperationResponseBody {

	private final long runs;

	private final long failedRuns;

	private final List<SampleDescriptor> history;

	private final List<TaskDescriptor> oldestPending;

	private final @Nullable List<String> creationStack;

	OriginDetailDescriptor(OriginDescriptor summary, long runs, long failedRuns, List<SampleDescriptor> history,
			List<TaskDescriptor> oldestPending, @Nullable List<String> creationStack) {
		super(summary);
		this.runs = runs;
		this.failedRuns = failedRuns;
		this.history = List.copyOf(history);
		this.oldestPending = List.copyOf(oldestPending);
		this.creationStack = (creationStack != null) ? List.copyOf(creationStack) : null;
	}

	public long getRuns() {
		return this.runs;
	}

	public long getFailedRuns() {
		return this.failedRuns;
	}

	/**
	 * The pending count at each sample of the last window, oldest first, to plot.
	 * @return the samples
	 */
	public List<SampleDescriptor> getHistory() {
		return this.history;
	}

	public List<TaskDescriptor> getOldestPending() {
		return this.oldestPending;
	}

	/**
	 * The stack that created the origin's first task, from its first application frame; only
	 * when {@code management.endpoint.timers.show-details} allows.
	 * @return the frames, or {@code null}
	 */
	public @Nullable List<String> getCreationStack() {
		return this.creationStack;
	}

	/**
	 * One sample of the pending count.
	 */
	public static final class SampleDescriptor {

		private final long time;

		private final long pending;

		SampleDescriptor(long time, long pending) {
			this.time = time;
			this.pending = pending;
		}

		public long getTime() {
			return this.time;
		}

		public long getPending() {
			return this.pending;
		}

	}

	/**
	 * One pending task.
	 */
	public static final class TaskDescriptor {

		private final String kind;

		private final long ageSeconds;

		private final @Nullable Long nextFireInMillis;

		TaskDescriptor(String kind, long ageSeconds, @Nullable Long nextFireInMillis) {
			this.kind = kind;
			this.ageSeconds = ageSeconds;
			this.nextFireInMillis = nextFireInMillis;
		}

		public String getKind() {
			return this.kind;
		}

		/**
		 * How long ago the task was created, to ten seconds.
		 * @return seconds
		 */
		public long getAgeSeconds() {
			return this.ageSeconds;
		}

		public @Nullable Long getNextFireInMillis() {
			return this.nextFireInMillis;
		}

	}

}
