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
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * The {@code timers} health indicator when timerwatch itself fails.
 */
class TimersHealthIndicatorTests {

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
		AtomicLong clock = new AtomicLong(1_000_000);
		TimerRegistry registry = new TimerRegistry(CallSiteLocator.withDefaults(), clock::get, 1_000);
		LeakDetector detector = new LeakDetector(registry, Duration.ofSeconds(10), Duration.ofMinutes(5), 1,
				clock::get);
		TimersHealthIndicator indicator = new TimersHealthIndicator(registry, detector, new Status("LEAKING"), null,
				Duration.ofSeconds(10));
		detector.sample();
		assertThat(indicator.health(true).getStatus()).isEqualTo(Status.UP);
		clock.addAndGet(30_000);
		assertThat(indicator.health(true).getStatus()).as("at 30 s").isEqualTo(Status.UP);
		// The sampler fails from here on: no sample for over 30 s, and over three intervals.
		clock.addAndGet(1_000);
		Health stale = indicator.health(true);
		assertThat(stale.getStatus()).isEqualTo(Status.UNKNOWN);
		assertThat(stale.getDetails()).containsEntry("stale", "no sample for 31 s").containsEntry("pending", 0L);
		detector.sample();
		assertThat(indicator.health(true).getStatus()).as("sampled again").isEqualTo(Status.UP);
	}

	@Test
	void pendingAboveTheCapIsDownWhateverTheSamplerDoes() {
		AtomicLong clock = new AtomicLong(1_000_000);
		TimerRegistry registry = new TimerRegistry(CallSiteLocator.withDefaults(), clock::get, 1_000);
		LeakDetector detector = new LeakDetector(registry, Duration.ofSeconds(10), Duration.ofMinutes(5), 1,
				clock::get);
		TimersHealthIndicator indicator = new TimersHealthIndicator(registry, detector, new Status("LEAKING"), 1L,
				Duration.ofSeconds(10));
		SchedulerTracker scheduler = registry.register("jobs", "Test");
		TaskOrigin line = TaskOrigin.callSite("com.example.Jobs", "run", "Jobs.java", 1);
		scheduler.admit(line, TaskKind.ONCE, -1, -1);
		scheduler.admit(line, TaskKind.ONCE, -1, -1);
		detector.sample();
		clock.addAndGet(60_000);
		Health health = indicator.health(true);
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("pending", 2L).doesNotContainKey("stale");
	}

	@Test
	void aSamplerThatFailsFromItsFirstSampleIsStaleToo() {
		AtomicLong clock = new AtomicLong(1_000_000);
		AtomicBoolean broken = new AtomicBoolean();
		TimerRegistry registry = new TimerRegistry(CallSiteLocator.withDefaults(), () -> {
			if (broken.get()) {
				throw new IllegalStateException("broken clock");
			}
			return clock.get();
		}, 1_000);
		LeakDetector detector = new LeakDetector(registry, Duration.ofSeconds(10), Duration.ofMinutes(5), 1,
				clock::get);
		TimersHealthIndicator indicator = new TimersHealthIndicator(registry, detector, new Status("LEAKING"), null,
				Duration.ofSeconds(10));
		broken.set(true);
		assertThatIllegalStateException().isThrownBy(detector::sample);
		assertThat(indicator.health(true).getStatus()).as("at the first attempt").isEqualTo(Status.UP);
		clock.addAndGet(31_000);
		assertThat(indicator.health(true).getStatus()).isEqualTo(Status.UNKNOWN);
	}

	@Test
	void beforeTheFirstSampleTheVerdictIsNotStale() {
		AtomicLong clock = new AtomicLong(1_000_000);
		TimerRegistry registry = new TimerRegistry(CallSiteLocator.withDefaults(), clock::get, 1_000);
		LeakDetector detector = new LeakDetector(registry, Duration.ofSeconds(10), Duration.ofMinutes(5), 1,
				clock::get);
		TimersHealthIndicator indicator = new TimersHealthIndicator(registry, detector, new Status("LEAKING"), null,
				Duration.ofSeconds(10));
		// A slow startup: the web server answers before the sampler's first sample.
		clock.addAndGet(120_000);
		assertThat(indicator.health(true).getStatus()).isEqualTo(Status.UP);
	}

}
