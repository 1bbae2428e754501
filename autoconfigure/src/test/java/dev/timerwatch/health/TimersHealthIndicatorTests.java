package dev.timerwatch.health;

import dev.timerwatch.tracking.TimerRegistry;
import dev.timerwatch.tracking.TrackingFailures;
import dev.timerwatch.trend.LeakDetector;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;
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

}
