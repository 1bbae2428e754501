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

	@Test
	void aFailureThatCannotBeLoggedStopsNoLaterSample() throws InterruptedException {
		LeakDetector detector = mock(LeakDetector.class);
		given(detector.sample()).willThrow(new UnprintableException());
		AtomicInteger after = new AtomicInteger();
		Runnable failing = () -> {
			throw new UnprintableException();
		};
		TimersSampler sampler = new TimersSampler(detector, Duration.ofMillis(20), List.of(failing, after::incrementAndGet));
		assertThatNoException().isThrownBy(sampler::sample);
		assertThat(after.get()).isEqualTo(1);
		sampler.start();
		try {
			long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
			while (after.get() < 4 && System.nanoTime() < deadline) {
				Thread.sleep(10);
			}
		}
		finally {
			sampler.stop();
		}
		// The scheduled samples go on: a run that threw would have stopped them for good.
		assertThat(after.get()).isGreaterThanOrEqualTo(4);
	}

	// Logging reads an exception's message: one whose getMessage throws makes the logging throw.
	private static final class UnprintableException extends IllegalStateException {

		@Override
		public String getMessage() {
			throw new UnsupportedOperationException("no message");
		}

	}

}
