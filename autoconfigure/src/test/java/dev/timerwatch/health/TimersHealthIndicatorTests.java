package dev.timerwatch.health;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.timerwatch.tracking.CallSiteLocator;
import dev.timerwatch.tracking.SchedulerTracker;
import dev.timerwatch.tracking.TaskKind;
import dev.timerwatch.tracking.TaskOrigin;
import dev.timerwatch.tracking.TimerRegistry;
import dev.timerwatch.tracking.TrackingFailures;
import dev.timerwatch.trend.LeakDetector;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * The {@code timers} health indicator when timerwatch itself fails, or its sampler does.
 */
class TimersHealthIndicatorTests {

	private final AtomicLong clock = new AtomicLong(1_000_000);

	private final AtomicBoolean broken = new AtomicBoolean();

	private final TimerRegistry registry = new TimerRegistry(CallSiteLocator.withDefaults(), this::registryClock,
			1_000);

	private final LeakDetector detector = new LeakDetector(this.registry, Duration.ofSeconds(10),
			Duration.ofMinutes(5), 1, this.clock::get);

	@Test
	void aFailureOfTimerwatchItselfIsUnknownNeverDown() {
		LeakDetector detector = mock(LeakDetector.class);
		given(detector.report()).willThrow(new IllegalStateException("broken detector"));
		TimersHealthIndicator indicator = new TimersHealthIndicator(new TimerRegistry(), detector,
				new Status("LEAKING"), null);
		long failures = TrackingFailures.count();
		Health health = indicator.health(true);
		assertThat(health.getStatus()).isEqualTo(Status.UNKNOWN);
		assertThat(health.getDetails()).containsEntry("error", "java.lang.IllegalStateException: broken detector");
		assertThat(indicator.health(false).getDetails()).isEmpty();
		assertThat(TrackingFailures.count()).isGreaterThan(failures);
	}

	@Test
	void aVerdictNoSampleHasRenewedForThreeIntervalsIsUnknown() {
		TimersHealthIndicator indicator = indicator(null);
		this.detector.sample();
		assertThat(indicator.health(true).getStatus()).isEqualTo(Status.UP);
		this.clock.addAndGet(30_000);
		assertThat(indicator.health(true).getStatus()).as("at 30 s").isEqualTo(Status.UP);
		// The sampler fails from here on: no sample for over 30 s, and over three intervals.
		this.clock.addAndGet(1_000);
		Health stale = indicator.health(true);
		assertThat(stale.getStatus()).isEqualTo(Status.UNKNOWN);
		assertThat(stale.getDetails()).containsEntry("stale", "no sample for 31 s").containsEntry("pending", 0L);
		this.detector.sample();
		assertThat(indicator.health(true).getStatus()).as("sampled again").isEqualTo(Status.UP);
	}

	@Test
	void pendingAboveTheCapIsDownWhateverTheSamplerDoes() {
		TimersHealthIndicator indicator = indicator(1L);
		SchedulerTracker scheduler = this.registry.register("jobs", "Test");
		TaskOrigin line = TaskOrigin.callSite("com.example.Jobs", "run", "Jobs.java", 1);
		scheduler.admit(line, TaskKind.ONCE, -1, -1);
		scheduler.admit(line, TaskKind.ONCE, -1, -1);
		this.detector.sample();
		this.clock.addAndGet(60_000);
		Health health = indicator.health(true);
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("pending", 2L).doesNotContainKey("stale");
	}

	@Test
	void aSamplerThatFailsFromItsFirstSampleIsStaleToo() {
		TimersHealthIndicator indicator = indicator(null);
		this.broken.set(true);
		assertThatIllegalStateException().isThrownBy(this.detector::sample);
		assertThat(indicator.health(true).getStatus()).as("at the first attempt").isEqualTo(Status.UP);
		this.clock.addAndGet(31_000);
		assertThat(indicator.health(true).getStatus()).isEqualTo(Status.UNKNOWN);
	}

	@Test
	void beforeTheFirstSampleTheVerdictIsNotStale() {
		TimersHealthIndicator indicator = indicator(null);
		// A slow startup: the web server answers before the sampler's first sample.
		this.clock.addAndGet(120_000);
		assertThat(indicator.health(true).getStatus()).isEqualTo(Status.UP);
	}

	private TimersHealthIndicator indicator(@Nullable Long maxPending) {
		return new TimersHealthIndicator(this.registry, this.detector, new Status("LEAKING"), maxPending,
				Duration.ofSeconds(10));
	}

	// The registry's clock, which maintenance reads as the detector samples, can be broken.
	private long registryClock() {
		if (this.broken.get()) {
			throw new IllegalStateException("broken clock");
		}
		return this.clock.get();
	}

}
