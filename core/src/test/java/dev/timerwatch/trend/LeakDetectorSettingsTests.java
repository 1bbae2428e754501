package dev.timerwatch.trend;

import java.time.Duration;

import dev.timerwatch.tracking.CallSiteLocator;
import dev.timerwatch.tracking.TimerRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The settings a detector refuses, each with a message naming the argument, rather than
 * failing at every sample.
 */
class LeakDetectorSettingsTests {

	private final TimerRegistry registry = new TimerRegistry(CallSiteLocator.withDefaults(), () -> 0L, 1_000);

	@Test
	void anIntervalUnderAMillisecondIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> detector(Duration.ofNanos(500_000), Duration.ofSeconds(1), 0.5))
			.withMessageStartingWith("interval ");
	}

	@Test
	void aWindowOfMoreIntervalsThanAnIntCountsIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> detector(Duration.ofMillis(1), Duration.ofMillis(Integer.MAX_VALUE), 0.5))
			.withMessageStartingWith("window ");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> detector(Duration.ofMillis(1), Duration.ofMillis(Integer.MAX_VALUE).multipliedBy(3), 0.5))
			.withMessageStartingWith("window ");
	}

	@Test
	void aMinimumGrowthThatIsNotAFinitePositiveNumberIsRefused() {
		for (double growth : new double[] { Double.POSITIVE_INFINITY, Double.NaN, 0, -1 }) {
			assertThatIllegalArgumentException()
				.isThrownBy(() -> detector(Duration.ofSeconds(10), Duration.ofMinutes(5), growth))
				.withMessageStartingWith("minGrowthPerMinute ");
		}
	}

	private LeakDetector detector(Duration interval, Duration window, double minGrowthPerMinute) {
		return new LeakDetector(this.registry, interval, window, minGrowthPerMinute, () -> 0L);
	}

}
