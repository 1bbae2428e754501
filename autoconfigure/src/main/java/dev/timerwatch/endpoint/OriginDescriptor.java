package dev.timerwatch.endpoint;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One origin: where its tasks come from, their counts, and whether they keep growing.
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

	private final List<String> flags;

	private final @Nullable String hint;

	private final List<String> misuses;

	OriginDescriptor(OriginDescriptor source) {
		this(source.id, source.origin, source.scheduler, source.kinds, source.pending, source.running,
				source.scheduled, source.completed, source.cancelled, source.failed, source.oldestPendingAgeSeconds,
				source.nextFireInMillis, source.growthPerMinute, source.trend, source.flags, source.hint,
				source.misuses);
	}

	OriginDescriptor(String id, String origin, String scheduler, List<String> kinds, long pending, long running,
			long scheduled, long completed, long cancelled, long failed, @Nullable Long oldestPendingAgeSeconds,
			@Nullable Long nextFireInMillis, double growthPerMinute, String trend, List<String> flags,
			@Nullable String hint, List<String> misuses) {
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
		this.flags = List.copyOf(flags);
		this.hint = hint;
		this.misuses = List.copyOf(misuses);
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
	 * Growth of the pending count over the last judged window (a Theil-Sen slope).
	 * @return tasks per minute
	 */
	public double getGrowthPerMinute() {
		return this.growthPerMinute;
	}

	/**
	 * {@code growing}, {@code stable}, {@code shrinking}, or {@code unknown} until a whole
	 * window has been sampled.
	 * @return the trend
	 */
	public String getTrend() {
		return this.trend;
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

}
