package dev.timerwatch.health;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.timerwatch.trend.LeakDetector;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * What one sample runs when parts of it fail.
 */
class TimersSamplerTests {

	@Test
	void aFailingDetectorOrListenerStopsNoneOfTheOthersAtAnySample() {
		LeakDetector detector = mock(LeakDetector.class);
		given(detector.sample()).willThrow(new IllegalStateException("broken detector"));
		AtomicInteger after = new AtomicInteger();
		Runnable failing = () -> {
			throw new IllegalStateException("broken listener");
		};
		TimersSampler sampler = new TimersSampler(detector, Duration.ofSeconds(1), List.of(failing, after::incrementAndGet));
		assertThatNoException().isThrownBy(sampler::sample);
		assertThatNoException().isThrownBy(sampler::sample);
		assertThat(after.get()).isEqualTo(2);
	}

}
