package dev.timerwatch.trend;

import java.util.Random;
import java.util.function.IntToLongFunction;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Synthetic series as the health sampler sees them: a five-minute window sampled every ten
 * seconds (31 samples), judged against a minimum growth of one task a minute.
 */
class TrendTestTests {

	private static final int SAMPLES = 31;

	private static final double INTERVAL_MINUTES = 10 / 60.0;

	private static final double MIN_GROWTH = 1.0;

	@Test
	void aSteadyLeakOfAFewTasksAMinuteIsGrowing() {
		TrendAssessment assessment = assess((i) -> 1000 + Math.round(3 * i * INTERVAL_MINUTES));
		assertThat(assessment.trend()).isEqualTo(Trend.GROWING);
		assertThat(assessment.growthPerMinute()).isCloseTo(3.0, within(0.5));
	}

	@Test
	void aFlatHighCountIsStable() {
		assertThat(assess((i) -> 50_000).trend()).isEqualTo(Trend.STABLE);
	}

	@Test
	void heavyChurnAroundALevelIsNeverGrowing() {
		for (int seed = 0; seed < 500; seed++) {
			Random random = new Random(seed);
			long[] samples = series((i) -> 5000 + Math.round(random.nextGaussian() * 300));
			assertThat(TrendTest.assess(samples, INTERVAL_MINUTES, MIN_GROWTH).trend()).as("seed %d", seed)
				.isNotEqualTo(Trend.GROWING);
		}
	}

	@Test
	void aBurstThatDrainsIsNotGrowing() {
		assertThat(assess((i) -> (i >= 14 && i <= 16) ? 2000 : 100).trend()).isEqualTo(Trend.STABLE);
		assertThat(assess((i) -> (i < 10) ? 100 : Math.max(100, 2000 - 150 * (i - 10))).trend())
			.isNotEqualTo(Trend.GROWING);
	}

	@Test
	void aBurstAtTheStartOfTheWindowThatDrainsIsShrinkingOrStable() {
		assertThat(assess((i) -> Math.max(100, 3000 - 100 * i)).trend()).isEqualTo(Trend.SHRINKING);
	}

	@Test
	void heavyChurnAroundALevelIsNeverShrinkingEither() {
		for (int seed = 0; seed < 500; seed++) {
			Random random = new Random(seed);
			long[] samples = series((i) -> 5000 + Math.round(random.nextGaussian() * 300));
			assertThat(TrendTest.assess(samples, INTERVAL_MINUTES, MIN_GROWTH).trend()).as("seed %d", seed)
				.isNotEqualTo(Trend.SHRINKING);
		}
	}

	@Test
	void aSawtoothThatReturnsToItsLevelIsNotGrowingAtAnyPhase() {
		for (int period = 3; period <= 15; period++) {
			for (int phase = 0; phase < period; phase++) {
				int p = period;
				int f = phase;
				long[] samples = series((i) -> 100 + 100L * ((i + f) % p));
				assertThat(TrendTest.assess(samples, INTERVAL_MINUTES, MIN_GROWTH).trend())
					.as("period %d phase %d", period, phase)
					.isNotEqualTo(Trend.GROWING);
			}
		}
	}

	@Test
	void aLeakHiddenUnderNoisyChurnIsFoundInItsOwnOrigin() {
		Random random = new Random(42);
		long[] leak = series((i) -> 20 + Math.round(4 * i * INTERVAL_MINUTES) + random.nextInt(3));
		long[] churn = series((i) -> 8000 + Math.round(random.nextGaussian() * 400));
		long[] total = IntStream.range(0, SAMPLES).mapToLong((i) -> leak[i] + churn[i]).toArray();
		assertThat(TrendTest.assess(leak, INTERVAL_MINUTES, MIN_GROWTH).trend()).isEqualTo(Trend.GROWING);
		assertThat(TrendTest.assess(churn, INTERVAL_MINUTES, MIN_GROWTH).trend()).isNotEqualTo(Trend.GROWING);
		assertThat(TrendTest.assess(total, INTERVAL_MINUTES, MIN_GROWTH).trend())
			.as("the total alone hides the leak").isNotEqualTo(Trend.GROWING);
	}

	@Test
	void aRiseBelowTheMinimumGrowthIsNotALeak() {
		TrendAssessment assessment = assess((i) -> 100 + Math.round(0.3 * i * INTERVAL_MINUTES * 10) / 10);
		assertThat(assessment.trend()).isNotEqualTo(Trend.GROWING);
	}

	@Test
	void aSingleStepUpIsNotALeak() {
		assertThat(assess((i) -> (i < 20) ? 100 : 400).trend()).isNotEqualTo(Trend.GROWING);
	}

	@Test
	void tooFewSamplesCannotBeJudged() {
		assertThat(TrendTest.assess(new long[] { 1, 2, 3 }, INTERVAL_MINUTES, MIN_GROWTH).trend())
			.isEqualTo(Trend.UNKNOWN);
	}

	@Test
	void mannKendallCountsTiesInTheVariance() {
		long[] allTied = series((i) -> 7);
		assertThat(TrendTest.mannKendallZ(allTied, 0, allTied.length)).isZero();
		long[] rising = series((i) -> i);
		assertThat(TrendTest.mannKendallZ(rising, 0, rising.length)).isGreaterThan(TrendTest.CRITICAL_Z);
	}

	private static TrendAssessment assess(IntToLongFunction value) {
		return TrendTest.assess(series(value), INTERVAL_MINUTES, MIN_GROWTH);
	}

	private static long[] series(IntToLongFunction value) {
		return IntStream.range(0, SAMPLES).mapToLong(value::applyAsLong).toArray();
	}

}
