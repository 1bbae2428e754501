package dev.timerwatch.trend;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BlockMinimaTests {

	private static final long WINDOW = 80_000;

	private static final long INTERVAL = 1_000;

	@Test
	void aCountThatKeepsRisingRisesAtItsRate() {
		BlockMinima minima = new BlockMinima(WINDOW, INTERVAL);
		for (long t = 0; t <= 65_000; t += INTERVAL) {
			minima.add(t, t / 1_000);
		}
		// Blocks of 10 s, the current one half elapsed, and the count rises one a second.
		assertThat(minima.risePerMinute(65_000, 0.5, false)).isEqualTo(60.0);
	}

	@Test
	void aSingleStepIsNoRise() {
		BlockMinima minima = new BlockMinima(WINDOW, INTERVAL);
		for (long t = 0; t <= 600_000; t += INTERVAL) {
			minima.add(t, (t < 300_000) ? 0 : 1_000);
			assertThat(minima.risePerMinute(t, 0.5, false)).as("at %d ms", t).isZero();
		}
	}

	@Test
	void aStrayHighSampleInEachBlockIsNoRise() {
		BlockMinima minima = new BlockMinima(WINDOW, INTERVAL);
		for (long t = 0; t <= 600_000; t += INTERVAL) {
			minima.add(t, (t % 10_000 == 5_000) ? t / 1_000 : 2);
			assertThat(minima.risePerMinute(t, 0.5, false)).as("at %d ms", t).isZero();
		}
	}

	@Test
	void aRiseOfTwoTasksIsNotEnough() {
		BlockMinima minima = new BlockMinima(WINDOW, INTERVAL);
		for (long t = 0; t <= 600_000; t += INTERVAL) {
			minima.add(t, Math.min(2, t / 200_000));
			assertThat(minima.risePerMinute(t, 0.001, false)).as("at %d ms", t).isZero();
		}
	}

	@Test
	void aRiseThatOnlyStraddlesABlockBoundaryIsNoRise() {
		BlockMinima minima = new BlockMinima(WINDOW, INTERVAL);
		for (long t = 0; t <= 600_000; t += INTERVAL) {
			// A batch ageing past a horizon over 8 s, across the boundary of two 10 s blocks.
			minima.add(t, Math.max(0, Math.min(80, (t - 96_000) / 100)));
			assertThat(minima.risePerMinute(t, 0.5, false)).as("at %d ms", t).isZero();
		}
	}

	@Test
	void aRiseShorterThanAQuarterWindowIsNoLeakWhenOnlyLongerBlocksJudge() {
		BlockMinima minima = new BlockMinima(WINDOW, INTERVAL);
		BlockMinima shortBlocks = new BlockMinima(WINDOW, INTERVAL);
		boolean seenByShortBlocks = false;
		for (long t = 0; t <= 600_000; t += INTERVAL) {
			// Rises one a second for 25 s: long enough to rise through a whole 10 s block, not
			// through a whole 20 s one.
			long count = Math.max(0, Math.min(25, (t - 100_000) / 1_000));
			minima.add(t, count);
			shortBlocks.add(t, count);
			assertThat(minima.risePerMinute(t, 0.5, true)).as("at %d ms", t).isZero();
			seenByShortBlocks |= shortBlocks.risePerMinute(t, 0.5, false) > 0;
		}
		assertThat(seenByShortBlocks).isTrue();
	}

	@Test
	void blocksOfAQuarterWindowJudgeAWindowLongerThanTheLongestBlocks() {
		long window = 160 * 60_000;
		long interval = 10_000;
		BlockMinima minima = new BlockMinima(window, interval);
		BlockMinima shortBlocks = new BlockMinima(window, interval);
		boolean seenByShortBlocks = false;
		for (long t = 0; t <= 600 * 60_000; t += interval) {
			// Rises one a minute for 50 min: long enough to rise through a whole block of an
			// eighth of the window, 20 min, not through a whole one of a quarter, 40 min.
			long count = Math.max(0, Math.min(50, (t - 200 * 60_000) / 60_000));
			minima.add(t, count);
			shortBlocks.add(t, count);
			assertThat(minima.risePerMinute(t, 0.5, true)).as("at %d ms", t).isZero();
			seenByShortBlocks |= shortBlocks.risePerMinute(t, 0.5, false) > 0;
		}
		assertThat(seenByShortBlocks).isTrue();
	}

}
