package dev.timerwatch.endpoint;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;

/**
 * The answer of {@code GET /actuator/timers}: a summary, then origins sorted by pending count,
 * highest first.
 */
public final class TimersDescriptor implements OperationResponseBody {

	private final Summary summary;

	private final List<OriginDescriptor> origins;

	private final List<MisuseDescriptor> misuses;

	TimersDescriptor(Summary summary, List<OriginDescriptor> origins, List<MisuseDescriptor> misuses) {
		this.summary = summary;
		this.origins = List.copyOf(origins);
		this.misuses = List.copyOf(misuses);
	}

	/**
	 * Every scheduling misuse found so far, oldest first.
	 * @return the findings
	 */
	public List<MisuseDescriptor> getMisuses() {
		return this.misuses;
	}

	public Summary getSummary() {
		return this.summary;
	}

	public List<OriginDescriptor> getOrigins() {
		return this.origins;
	}

	/**
	 * Totals over every tracked scheduler.
	 */
	public static final class Summary {

		private final long pending;

		private final long running;

		private final long retainedCancelled;

		private final int origins;

		private final int leaking;

		private final @Nullable Long sampledAt;

		private final List<SchedulerDescriptor> schedulers;

		Summary(long pending, long running, long retainedCancelled, int origins, int leaking,
				@Nullable Long sampledAt, List<SchedulerDescriptor> schedulers) {
			this.pending = pending;
			this.running = running;
			this.retainedCancelled = retainedCancelled;
			this.origins = origins;
			this.leaking = leaking;
			this.sampledAt = sampledAt;
			this.schedulers = List.copyOf(schedulers);
		}

		public long getPending() {
			return this.pending;
		}

		public long getRunning() {
			return this.running;
		}

		public long getRetainedCancelled() {
			return this.retainedCancelled;
		}

		public int getOrigins() {
			return this.origins;
		}

		public int getLeaking() {
			return this.leaking;
		}

		/**
		 * When the health sampler last judged the trends, in epoch milliseconds.
		 * @return the time, or {@code null} before the first sample
		 */
		public @Nullable Long getSampledAt() {
			return this.sampledAt;
		}

		public List<SchedulerDescriptor> getSchedulers() {
			return this.schedulers;
		}

	}

	/**
	 * One tracked scheduler bean. Figures the scheduler does not expose are {@code null}.
	 */
	public static final class SchedulerDescriptor {

		private final String name;

		private final String type;

		private final @Nullable Integer poolSize;

		private final long pending;

		private final @Nullable Integer queueSize;

		private final @Nullable Long retainedCancelled;

		SchedulerDescriptor(String name, String type, @Nullable Integer poolSize, long pending,
				@Nullable Integer queueSize, @Nullable Long retainedCancelled) {
			this.name = name;
			this.type = type;
			this.poolSize = poolSize;
			this.pending = pending;
			this.queueSize = queueSize;
			this.retainedCancelled = retainedCancelled;
		}

		public String getName() {
			return this.name;
		}

		public String getType() {
			return this.type;
		}

		public @Nullable Integer getPoolSize() {
			return this.poolSize;
		}

		public long getPending() {
			return this.pending;
		}

		public @Nullable Integer getQueueSize() {
			return this.queueSize;
		}

		public @Nullable Long getRetainedCancelled() {
			return this.retainedCancelled;
		}

	}

	/**
	 * One misuse finding, with the figures that prove it and the fix.
	 */
	public static final class MisuseDescriptor {

		private final String type;

		private final @Nullable String originId;

		private final String origin;

		private final @Nullable String scheduler;

		private final String evidence;

		private final @Nullable String failure;

		private final String fix;

		private final long detectedAt;

		MisuseDescriptor(String type, @Nullable String originId, String origin, @Nullable String scheduler,
				String evidence, @Nullable String failure, String fix, long detectedAt) {
			this.type = type;
			this.originId = originId;
			this.origin = origin;
			this.scheduler = scheduler;
			this.evidence = evidence;
			this.failure = failure;
			this.fix = fix;
			this.detectedAt = detectedAt;
		}

		public String getType() {
			return this.type;
		}

		public @Nullable String getOriginId() {
			return this.originId;
		}

		public String getOrigin() {
			return this.origin;
		}

		public @Nullable String getScheduler() {
			return this.scheduler;
		}

		public String getEvidence() {
			return this.evidence;
		}

		/**
		 * What the last failed run threw, class and message, for a finding about failures.
		 * @return the failure, or {@code null} if none, or if details are not shown to the
		 * reader ({@code management.endpoint.timers.show-details}): a message may carry
		 * anything the application put in it
		 */
		public @Nullable String getFailure() {
			return this.failure;
		}

		public String getFix() {
			return this.fix;
		}

		public long getDetectedAt() {
			return this.detectedAt;
		}

	}

}
