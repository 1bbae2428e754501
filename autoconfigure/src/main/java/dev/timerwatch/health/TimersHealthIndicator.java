package dev.timerwatch.health;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.timerwatch.tracking.OriginStats;
import dev.timerwatch.tracking.TimerRegistry;
import dev.timerwatch.tracking.TrackingFailures;
import dev.timerwatch.trend.LeakDetector;
import dev.timerwatch.trend.LeakHints;
import dev.timerwatch.trend.LeakReport;
import dev.timerwatch.trend.OriginVerdict;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * A health indicator that turns a slow timer leak into a health status: the configured leak
 * status while more and more of any origin's tasks outlive its healthy lifetimes, DOWN above
 * an optional absolute cap, UP otherwise. A flat count, however high, is not a leak. Each
 * leaking origin's details carry the figures behind the verdict. Should timerwatch itself fail
 * while checking, the status is UNKNOWN, never DOWN: a fault of the tool must not take the
 * instance out of its load balancer, as {@code AbstractHealthIndicator} would on any
 * exception.
 */
public class TimersHealthIndicator extends AbstractHealthIndicator {

	private static final Log logger = LogFactory.getLog(TimersHealthIndicator.class);

	private final TimerRegistry registry;

	private final LeakDetector detector;

	private final Status leakStatus;

	private final @Nullable Long maxPending;

	private volatile boolean capBreachLogged;

	private final long staleAfterMillis;

	/**
	 * Create an indicator that never calls its verdict stale.
	 * @param registry the registry whose pending tasks to count
	 * @param detector the detector whose verdicts to tell
	 * @param leakStatus the status of a leak
	 * @param maxPending the pending count above which the status is DOWN, or {@code null}
	 */
	public TimersHealthIndicator(TimerRegistry registry, LeakDetector detector, Status leakStatus,
			@Nullable Long maxPending) {
		this(registry, detector, leakStatus, maxPending, null);
	}

	/**
	 * Create an indicator.
	 * @param registry the registry whose pending tasks to count
	 * @param detector the detector whose verdicts to tell
	 * @param leakStatus the status of a leak
	 * @param maxPending the pending count above which the status is DOWN, or {@code null}
	 * @param sampleInterval how often the detector samples, or {@code null}: a verdict older
	 * than three intervals (and at least 30 seconds) is stale, since the sampler fails or has
	 * stopped, and the status is then UNKNOWN rather than a verdict that may no longer hold
	 * (unless the pending count is above the cap: DOWN is read live)
	 */
	public TimersHealthIndicator(TimerRegistry registry, LeakDetector detector, Status leakStatus,
			@Nullable Long maxPending, @Nullable Duration sampleInterval) {
		super("Timers health check failed");
		this.registry = registry;
		this.detector = detector;
		this.leakStatus = leakStatus;
		this.maxPending = maxPending;
		this.staleAfterMillis = LeakDetector.staleAfterMillis(sampleInterval);
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		try {
			check(builder);
		}
		catch (RuntimeException | LinkageError ex) {
			TrackingFailures.report(ex);
			builder.unknown().withException(ex);
		}
	}

	private void check(Health.Builder builder) {
		LeakReport report = this.detector.report();
		long pending = this.registry.origins().stream().mapToLong(OriginStats::pending).sum();
		builder.withDetail("pending", pending);
		if (this.maxPending != null) {
			builder.withDetail("maxPending", this.maxPending);
		}
		long age = this.detector.verdictAgeMillis();
		boolean stale = age > this.staleAfterMillis;
		List<OriginVerdict> leaking = stale ? List.of() : report.leaking();
		if (!leaking.isEmpty()) {
			builder.withDetail("leaking", leaking.stream().map(TimersHealthIndicator::describe).toList());
		}
		if (this.maxPending != null && pending > this.maxPending) {
			// Read live, not from the sampler: DOWN holds whatever the sampler does.
			if (!this.capBreachLogged) {
				this.capBreachLogged = true;
				logger.warn("timerwatch: " + pending + " tasks pending, above timerwatch.health.max-pending="
						+ this.maxPending + "; health is DOWN");
			}
			builder.down();
			return;
		}
		// Below the cap again: a later breach is news again.
		this.capBreachLogged = false;
		if (stale) {
			// No sample for three intervals: the sampler fails (its log says why) or has
			// stopped. Its last verdict, leak or none, is no longer news.
			builder.unknown().withDetail("stale", "no sample for " + (age / 1000) + " s");
		}
		else if (!leaking.isEmpty()) {
			builder.status(this.leakStatus);
		}
		else {
			builder.up();
		}
	}

	private static Map<String, Object> describe(OriginVerdict verdict) {
		OriginStats origin = verdict.origin();
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("id", origin.id());
		details.put("origin", origin.origin().describe());
		details.put("scheduler", origin.schedulerName());
		details.put("pending", verdict.pending());
		details.put("outlived", verdict.outlived());
		if (verdict.horizonMillis() >= 0) {
			details.put("horizonSeconds", verdict.horizonMillis() / 1000);
		}
		details.put("outlivedRiseInWindow", verdict.outlivedRiseInWindow());
		details.put("growthPerMinute", Math.round(verdict.growthPerMinute() * 100) / 100.0);
		details.put("evidence", verdict.evidence());
		details.put("hint", LeakHints.hint(origin, true, -1));
		return details;
	}

}
