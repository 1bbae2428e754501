package dev.timerwatch.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * External configuration properties for timerwatch.
 */
@ConfigurationProperties("timerwatch")
public class TimerwatchProperties {

	/**
	 * Whether to track scheduler beans and expose what is tracked.
	 */
	private final boolean enabled;

	private final Origin origin;

	private final Health health;

	private final Metrics metrics;

	private final Misuse misuse;

	private final Threads threads;

	public TimerwatchProperties(@DefaultValue("true") boolean enabled, @DefaultValue Origin origin,
			@DefaultValue Health health, @DefaultValue Metrics metrics, @DefaultValue Misuse misuse,
			@DefaultValue Threads threads) {
		this.enabled = enabled;
		this.origin = origin;
		this.health = health;
		this.metrics = metrics;
		this.misuse = misuse;
		this.threads = threads;
	}

	public Threads getThreads() {
		return this.threads;
	}

	public Misuse getMisuse() {
		return this.misuse;
	}

	public Health getHealth() {
		return this.health;
	}

	public Metrics getMetrics() {
		return this.metrics;
	}

	public boolean isEnabled() {
		return this.enabled;
	}

	public Origin getOrigin() {
		return this.origin;
	}

	/**
	 * How the origin of a task is found.
	 */
	public static class Origin {

		/**
		 * Packages whose frames are never taken as the origin of a task, in addition to the JDK,
		 * Spring, AspectJ, Micrometer and timerwatch. Add the packages of in-house scheduling
		 * helpers so that their callers are named instead.
		 */
		private final List<String> excludePackages;

		/**
		 * How many stack frames to look at for an application frame before calling the origin
		 * unknown.
		 */
		private final int maxDepth;

		/**
		 * How many origins are kept, over all schedulers. Tasks from further origins are counted
		 * under one overflow origin, with a warning, until idle origins are dropped.
		 */
		private final int maxOrigins;

		/**
		 * How long an origin with no live task and no new one is kept before it is dropped (with
		 * its meters). At least 30 seconds.
		 */
		private final Duration idleTimeout;

		public Origin(@DefaultValue List<String> excludePackages, @DefaultValue("64") int maxDepth,
				@DefaultValue("10000") int maxOrigins, @DefaultValue("30m") Duration idleTimeout) {
			if (maxDepth < 1) {
				throw new IllegalArgumentException("timerwatch.origin.max-depth must be at least 1, was " + maxDepth);
			}
			if (maxOrigins < 1) {
				throw new IllegalArgumentException(
						"timerwatch.origin.max-origins must be at least 1, was " + maxOrigins);
			}
			if (idleTimeout.compareTo(MIN_IDLE_TIMEOUT) < 0) {
				throw new IllegalArgumentException("timerwatch.origin.idle-timeout must be at least "
						+ MIN_IDLE_TIMEOUT.toSeconds() + "s, was " + idleTimeout);
			}
			for (String excluded : excludePackages) {
				// A frame is excluded by its class name's prefix: "com.example.*" or
				// "com/example" would silently exclude nothing. Blank entries are skipped, and a
				// trailing dot is allowed, as the locator reads them.
				if (excluded != null && !excluded.isBlank() && !PACKAGE_NAME.matcher(excluded.trim()).matches()) {
					throw new IllegalArgumentException("timerwatch.origin.exclude-packages must list package names "
							+ "such as com.example.scheduling, was '" + excluded + "'");
				}
			}
			this.excludePackages = List.copyOf(excludePackages);
			this.maxDepth = maxDepth;
			this.maxOrigins = maxOrigins;
			this.idleTimeout = idleTimeout;
		}

		// Three epochs of task creation times.
		static final Duration MIN_IDLE_TIMEOUT = Duration.ofSeconds(30);

		// Java identifiers separated by dots.
		private static final Pattern PACKAGE_NAME = Pattern
			.compile("\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*(\\.\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*)*\\.?");

		public int getMaxOrigins() {
			return this.maxOrigins;
		}

		public Duration getIdleTimeout() {
			return this.idleTimeout;
		}

		public List<String> getExcludePackages() {
			return this.excludePackages;
		}

		public int getMaxDepth() {
			return this.maxDepth;
		}

	}

	/**
	 * How pending counts are sampled and judged.
	 */
	public static class Health {

		private static final Pattern STATUS_CODE = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

		private static final List<String> BOOT_STATUSES = List.of("UP", "DOWN", "OUT_OF_SERVICE", "UNKNOWN");

		/**
		 * Time between two samples of every origin's pending tasks and their ages.
		 */
		private final Duration sampleInterval;

		/**
		 * Twice the shortest age at which a pending task can count as having outlived its
		 * origin's healthy lifetimes (the whole window while none of the origin's tasks has
		 * ended), and how long a leaking origin's count of such tasks must make no new high for
		 * the leak to end. An eighth of it is the shortest block of history compared. Must hold
		 * at least two samples.
		 */
		private final Duration window;

		/**
		 * Slowest rise of an origin's count of outlived tasks (pending tasks older than any of
		 * its tasks has lived), in tasks per minute, that counts as a leak.
		 */
		private final double minGrowthPerMinute;

		/**
		 * Health status reported while an origin is leaking. The default, LEAKING, is added to
		 * the health status order between OUT_OF_SERVICE and UP, and maps to HTTP 200.
		 */
		private final String leakStatus;

		/**
		 * Total pending tasks above which the health is DOWN, whatever the trend. Unset: no cap.
		 */
		private final @Nullable Long maxPending;

		static final Duration MIN_SAMPLE_INTERVAL = Duration.ofMillis(100);

		// Each origin keeps four histories of a window's samples (16 bytes a sample each), and a
		// verdict copies two: 1,000 samples are 64 KB an origin, 10,000 were 640 KB, gigabytes
		// at the origin limit.
		static final long MAX_SAMPLES_PER_WINDOW = 1_000;

		public Health(@DefaultValue("10s") Duration sampleInterval, @DefaultValue("5m") Duration window,
				@DefaultValue("0.5") double minGrowthPerMinute, @DefaultValue("LEAKING") String leakStatus,
				@Nullable Long maxPending) {
			if (sampleInterval.compareTo(MIN_SAMPLE_INTERVAL) < 0) {
				throw new IllegalArgumentException("timerwatch.health.sample-interval must be at least "
						+ MIN_SAMPLE_INTERVAL.toMillis() + "ms, was " + sampleInterval);
			}
			if (window.compareTo(sampleInterval.multipliedBy(2)) < 0) {
				throw new IllegalArgumentException("timerwatch.health.window must hold at least two samples of "
						+ "timerwatch.health.sample-interval (" + sampleInterval + "), was " + window);
			}
			if (window.dividedBy(sampleInterval) > MAX_SAMPLES_PER_WINDOW) {
				throw new IllegalArgumentException("timerwatch.health.window (" + window
						+ ") must hold at most " + MAX_SAMPLES_PER_WINDOW + " samples of timerwatch.health.sample-interval ("
						+ sampleInterval + "), which each origin keeps in memory; lengthen the interval or shorten the window");
			}
			if (!(minGrowthPerMinute > 0) || !Double.isFinite(minGrowthPerMinute)) {
				throw new IllegalArgumentException(
						"timerwatch.health.min-growth-per-minute must be a positive number, was " + minGrowthPerMinute);
			}
			if (!STATUS_CODE.matcher(leakStatus).matches()) {
				throw new IllegalArgumentException("timerwatch.health.leak-status must be a status code of letters, "
						+ "digits and underscores starting with a letter, was '" + leakStatus + "'");
			}
			if (BOOT_STATUSES.contains(leakStatus.toUpperCase(java.util.Locale.ROOT))) {
				// UP or UNKNOWN would hide every leak; DOWN or OUT_OF_SERVICE would take the
				// instance out of its load balancer (timerwatch.health.max-pending is for that).
				throw new IllegalArgumentException("timerwatch.health.leak-status must be a status of its own, not "
						+ "one of Boot's " + BOOT_STATUSES + ", was '" + leakStatus + "'");
			}
			if (maxPending != null && maxPending < 1) {
				throw new IllegalArgumentException("timerwatch.health.max-pending must be at least 1, was " + maxPending);
			}
			this.sampleInterval = sampleInterval;
			this.window = window;
			this.minGrowthPerMinute = minGrowthPerMinute;
			this.leakStatus = leakStatus.toUpperCase(java.util.Locale.ROOT);
			this.maxPending = maxPending;
		}

		public Duration getSampleInterval() {
			return this.sampleInterval;
		}

		public Duration getWindow() {
			return this.window;
		}

		public double getMinGrowthPerMinute() {
			return this.minGrowthPerMinute;
		}

		public String getLeakStatus() {
			return this.leakStatus;
		}

		public @Nullable Long getMaxPending() {
			return this.maxPending;
		}

	}

	/**
	 * How tracked figures are published as Micrometer meters.
	 */
	public static class Metrics {

		/**
		 * Most origins per scheduler given their own origin tag; later ones share origin="other".
		 */
		private final int maxOrigins;

		public Metrics(@DefaultValue("50") int maxOrigins) {
			if (maxOrigins < 0) {
				throw new IllegalArgumentException("timerwatch.metrics.max-origins must not be negative, was " + maxOrigins);
			}
			this.maxOrigins = maxOrigins;
		}

		public int getMaxOrigins() {
			return this.maxOrigins;
		}

	}

	/**
	 * How the threads the application starts are watched.
	 */
	public static class Threads {

		/**
		 * Whether to watch the threads the application starts, from an in-process JDK Flight
		 * Recorder stream of thread starts and ends, and report executors, Timers and threads
		 * that are started again and again and never shut down, by the line that started them.
		 */
		private final boolean enabled;

		public Threads(@DefaultValue("true") boolean enabled) {
			this.enabled = enabled;
		}

		public boolean isEnabled() {
			return this.enabled;
		}

	}

	/**
	 * Thresholds of scheduling misuse findings.
	 */
	public static class Misuse {

		/**
		 * Periods shorter than this are reported as hot loops (most likely a unit mistake).
		 */
		private final Duration hotLoopThreshold;

		/**
		 * How many runs in a row must fail before a repeated failure is reported.
		 */
		private final int repeatedFailures;

		/**
		 * How late against its planned time a run may start before it is reported as starved.
		 */
		private final Duration starvationThreshold;

		/**
		 * How long a run of a periodic task must have run, and at least five periods, before it is
		 * reported as stuck.
		 */
		private final Duration stuckThreshold;

		public Misuse(@DefaultValue("100ms") Duration hotLoopThreshold, @DefaultValue("3") int repeatedFailures,
				@DefaultValue("1s") Duration starvationThreshold, @DefaultValue("10s") Duration stuckThreshold) {
			if (starvationThreshold.isZero() || starvationThreshold.isNegative()) {
				throw new IllegalArgumentException(
						"timerwatch.misuse.starvation-threshold must be positive, was " + starvationThreshold);
			}
			if (stuckThreshold.isZero() || stuckThreshold.isNegative()) {
				throw new IllegalArgumentException(
						"timerwatch.misuse.stuck-threshold must be positive, was " + stuckThreshold);
			}
			this.starvationThreshold = starvationThreshold;
			this.stuckThreshold = stuckThreshold;
			if (hotLoopThreshold.isNegative()) {
				throw new IllegalArgumentException(
						"timerwatch.misuse.hot-loop-threshold must not be negative, was " + hotLoopThreshold);
			}
			if (repeatedFailures < 2) {
				throw new IllegalArgumentException(
						"timerwatch.misuse.repeated-failures must be at least 2, was " + repeatedFailures);
			}
			this.hotLoopThreshold = hotLoopThreshold;
			this.repeatedFailures = repeatedFailures;
		}

		public Duration getHotLoopThreshold() {
			return this.hotLoopThreshold;
		}

		public int getRepeatedFailures() {
			return this.repeatedFailures;
		}

		public Duration getStarvationThreshold() {
			return this.starvationThreshold;
		}

		public Duration getStuckThreshold() {
			return this.stuckThreshold;
		}

	}

}
