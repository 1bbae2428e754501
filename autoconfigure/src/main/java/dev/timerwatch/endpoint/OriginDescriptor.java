package dev.timerwatch.endpoint;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One origin: where its tasks come from, their counts, and whether more and more of them
 * outlive its healthy lifetimes, with the figures that say so.
 */
public class OriginDescriptor {

	private final String id;

	private final String origin;

	private final String scheduler;

	private final List<String> kinds;

	private final long pending;

	private final long running;

	private final long scheduled;

	private final long completed;

	private final long cancelled;

	private final long failed;

	private final @Nullable Long oldestPendingAgeSeconds;

	private final @Nullable Long nextFireInMillis;

	private final double growthPerMinute;

	private final String trend;

	private final @Nullable Long outlived;

	private final @Nullable Long horizonSeconds;

	private final @Nullable String evidence;

	private final List<String> flags;

	private final @Nullable String hint;

	private final List<String> misuses;

	private final @Nullable Integer liveThreads;

	private final @Nullable List<String> threads;

	OriginDescriptor(OriginDescriptor source) {
		this(source.id, source.origin, source.scheduler, source.kinds, source.pending, source.running,
				source.scheduled, source.completed, source.cancelled, source.failed, source.oldestPendingAgeSeconds,
				source.nextFireInMillis, source.growthPerMinute, source.trend, source.outlived,
				source.horizonSeconds, source.evidence, source.flags, source.hint, source.misuses, source.liveThreads,
				source.threads);
	}

	OriginDescriptor(String id, String origin, String scheduler, List<String> kinds, long pending, long running,
			long scheduled, long completed, long cancelled, long failed, @Nullable Long oldestPendingAgeSeconds,
			@Nullable Long nextFireInMillis, double growthPerMinute, String trend, @Nullable Long outlived,
			@Nullable Long horizonSeconds, @Nullable String evidence, List<String> flags, @Nullable String hint,
			List<String> misuses, @Nullable Integer liveThreads, @Nullable List<String> threads) {
		this.id = id;
		this.origin = origin;
		this.scheduler = scheduler;
		this.kinds = List.copyOf(kinds);
		this.pending = pending;
		this.running = running;
		this.scheduled = scheduled;
		this.completed = completed;
		this.cancelled = cancelled;
		this.failed = failed;
		this.oldestPendingAgeSeconds = oldestPendingAgeSeconds;
		this.nextFireInMillis = nextFireInMillis;
		this.growthPerMinute = growthPerMinute;
		this.trend = trend;
		this.outlived = outlived;
		this.horizonSeconds = horizonSeconds;
		this.evidence = evidence;
		this.flags = List.copyOf(flags);
		this.hint = hint;
		this.misuses = List.copyOf(misuses);
		this.liveThreads = liveThreads;
		this.threads = (threads != null) ? List.copyOf(threads) : null;
	}

	/**
	 * A short id, stable across restarts, for {@code GET /actuator/timers/{id}}.
	 * @return the id
	 */
	public String getId() {
		return this.id;
	}

	/**
	 * The call site ({@code com.example.PingService.start(PingService.java:42)}) or the
	 * {@code @Scheduled} method ({@code com.example.ReportJob#generate}).
	 * @return the origin
	 */
	public String getOrigin() {
		return this.origin;
	}

	public String getScheduler() {
		return this.scheduler;
	}

	public List<String> getKinds() {
		return this.kinds;
	}

	public long getPending() {
		return this.pending;
	}

	public long getRunning() {
		return this.running;
	}

	public long getScheduled() {
		return this.scheduled;
	}

	public long getCompleted() {
		return this.completed;
	}

	public long getCancelled() {
		return this.cancelled;
	}

	public long getFailed() {
		return this.failed;
	}

	public @Nullable Long getOldestPendingAgeSeconds() {
		return this.oldestPendingAgeSeconds;
	}

	public @Nullable Long getNextFireInMillis() {
		return this.nextFireInMillis;
	}

	/**
	 * How fast the count of outlived tasks rises while the origin is leaking.
	 * @return tasks per minute, 0 when not leaking
	 */
	public double getGrowthPerMinute() {
		return this.growthPerMinute;
	}

	/**
	 * {@code growing} while more and more tasks outlive the origin's horizon, {@code stable},
	 * or {@code unknown} until enough history has been sampled.
	 * @return the trend
	 */
	public String getTrend() {
		return this.trend;
	}

	/**
	 * Pending tasks older than the horizon, at the last sample.
	 * @return the count, or {@code null} before the first sample
	 */
	public @Nullable Long getOutlived() {
		return this.outlived;
	}

	/**
	 * The age past which a pending task of this origin counts as outlived: beyond any
	 * lifetime its tasks have been seen to have.
	 * @return seconds, or {@code null} before the first sample
	 */
	public @Nullable Long getHorizonSeconds() {
		return this.horizonSeconds;
	}

	/**
	 * The figures behind the verdict, in one sentence.
	 * @return the evidence, or {@code null} before the first sample
	 */
	public @Nullable String getEvidence() {
		return this.evidence;
	}

	public List<String> getFlags() {
		return this.flags;
	}

	public @Nullable String getHint() {
		return this.hint;
	}

	/**
	 * The misuses found for this origin ({@code hot-loop}, {@code overrun}, ...); the
	 * evidence is in the report's {@code misuses} list.
	 * @return the misuse types
	 */
	public List<String> getMisuses() {
		return this.misuses;
	}

	/**
	 * For an origin of kind {@code thread}: how many threads its live executors, Timers and
	 * threads have.
	 * @return the count, {@code null} for other origins
	 */
	public @Nullable Integer getLiveThreads() {
		return this.liveThreads;
	}

	/**
	 * For an origin of kind {@code thread}: the names of its first live threads, at most ten,
	 * as they were when they started ({@code pool-7-thread-1}, {@code Timer-3}).
	 * @return the names, {@code null} for other origins
	 */
	public @Nullable List<String> getThreads() {
		return this.threads;
	}

}
