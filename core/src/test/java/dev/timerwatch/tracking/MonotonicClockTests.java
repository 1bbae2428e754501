package dev.timerwatch.tracking;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MonotonicClock}.
 */
class MonotonicClockTests {

	@Test
	void neverGoesBackAndStartsAtTheWallClock() {
		long wall = System.currentTimeMillis();
		long previous = MonotonicClock.millis();
		assertThat(previous).isCloseTo(wall, org.assertj.core.data.Offset.offset(60_000L));
		for (int i = 0; i < 1_000_000; i++) {
			long now = MonotonicClock.millis();
			assertThat(now).isGreaterThanOrEqualTo(previous);
			previous = now;
		}
	}

}
