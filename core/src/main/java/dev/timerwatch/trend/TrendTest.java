package dev.timerwatch.trend;

import java.util.Arrays;

/**
 * Decides whether a series of pending counts, sampled at a fixed interval, keeps growing.
 *
 * <p>The series is judged with the Mann-Kendall test and Theil-Sen slopes. Both look only at
 * the order of pairs of samples, never at their size, so one huge sample, a burst, or heavy
 * churn around a level does not make a trend; and neither assumes the noise is normal.
 * A series is {@link Trend#GROWING} when all of these hold:
 * <ol>
 * <li>the Mann-Kendall statistic is significant at one-sided 1% ({@code z >= 2.326}), with the
 * variance corrected for tied samples, which integer counts have many of;</li>
 * <li>the Theil-Sen slope (the median slope over all pairs) is at least the minimum growth;</li>
 * <li>the Theil-Sen slope of each half of the window is positive, so the growth is sustained
 * rather than one step: a burst, or a sawtooth caught on its rising edge, rises in one half
 * only;</li>
 * <li>no sample in the last half of the window is back at or below the median of its first
 * quarter: leaked tasks stay, while a sawtooth drains back to its level once a cycle.</li>
 * </ol>
 * The last condition also guards against false alarms from pure noise, since the lowest of
 * many noisy samples falls below their median.
 * {@link Trend#SHRINKING} asks the mirror image of a fall, so churn that wanders down and back
 * is not reported as shrinking. A flat count, however high, has no significant trend; a burst that drains and a sawtooth
 * that returns to its level have as many falling pairs as rising ones.
 */
public final class TrendTest {

	/** One-sided 1% critical value of the standard normal distribution. */
	static final double CRITICAL_Z = 2.326;

	private TrendTest() {
	}

	/**
	 * Judge a series.
	 * @param samples the pending counts, oldest first, one per interval
	 * @param intervalMinutes the sampling interval, in minutes
	 * @param minGrowthPerMinute the smallest growth that counts as a leak
	 * @return the assessment
	 */
	public static TrendAssessment assess(long[] samples, double intervalMinutes, double minGrowthPerMinute) {
		int n = samples.length;
		if (n < 4) {
			return new TrendAssessment(Trend.UNKNOWN, 0, 0);
		}
		double z = mannKendallZ(samples, 0, n);
		double slope = theilSenSlope(samples, 0, n) / intervalMinutes;
		if (z >= CRITICAL_Z && slope >= minGrowthPerMinute && theilSenSlope(samples, 0, n / 2) > 0
				&& theilSenSlope(samples, n / 2, n) > 0 && staysAboveItsStartingLevel(samples)) {
			return new TrendAssessment(Trend.GROWING, slope, z);
		}
		if (z <= -CRITICAL_Z && slope <= -minGrowthPerMinute && theilSenSlope(samples, 0, n / 2) < 0
				&& theilSenSlope(samples, n / 2, n) < 0 && staysBelowItsStartingLevel(samples)) {
			return new TrendAssessment(Trend.SHRINKING, slope, z);
		}
		return new TrendAssessment(Trend.STABLE, slope, z);
	}

	/**
	 * Whether the count never comes back down in the last half of the window to where it
	 * stood in the first quarter. A leak's tasks stay; a sawtooth, however steep its rising
	 * edges, drains back to its level once a cycle.
	 */
	static boolean staysAboveItsStartingLevel(long[] samples) {
		long startingLevel = startingLevel(samples);
		for (int i = samples.length / 2; i < samples.length; i++) {
			if (samples[i] <= startingLevel) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Whether the whole last half of the window lies below the whole first quarter. Stricter
	 * than the test for growth: a shrinking count alarms no one, so it is only reported when
	 * unmistakable.
	 */
	static boolean staysBelowItsStartingLevel(long[] samples) {
		long lowestAtStart = Arrays.stream(samples, 0, Math.max(1, samples.length / 4)).min().getAsLong();
		return Arrays.stream(samples, samples.length / 2, samples.length).allMatch((sample) -> sample < lowestAtStart);
	}

	private static long startingLevel(long[] samples) {
		long[] start = Arrays.copyOfRange(samples, 0, Math.max(1, samples.length / 4));
		Arrays.sort(start);
		return start[start.length / 2];
	}

	static double mannKendallZ(long[] samples, int from, int to) {
		int n = to - from;
		long s = 0;
		for (int i = from; i < to - 1; i++) {
			for (int j = i + 1; j < to; j++) {
				s += Long.signum(samples[j] - samples[i]);
			}
		}
		double variance = (n * (n - 1.0) * (2 * n + 5) - tieCorrection(samples, from, to)) / 18.0;
		if (variance <= 0 || s == 0) {
			return 0;
		}
		// Continuity correction: S moves in steps of two.
		return (s > 0) ? (s - 1) / Math.sqrt(variance) : (s + 1) / Math.sqrt(variance);
	}

	private static double tieCorrection(long[] samples, int from, int to) {
		long[] sorted = Arrays.copyOfRange(samples, from, to);
		Arrays.sort(sorted);
		double correction = 0;
		int run = 1;
		for (int i = 1; i <= sorted.length; i++) {
			if (i < sorted.length && sorted[i] == sorted[i - 1]) {
				run++;
			}
			else {
				if (run > 1) {
					correction += run * (run - 1.0) * (2 * run + 5);
				}
				run = 1;
			}
		}
		return correction;
	}

	static double theilSenSlope(long[] samples, int from, int to) {
		int n = to - from;
		if (n < 2) {
			return 0;
		}
		double[] slopes = new double[n * (n - 1) / 2];
		int k = 0;
		for (int i = from; i < to - 1; i++) {
			for (int j = i + 1; j < to; j++) {
				slopes[k++] = (samples[j] - samples[i]) / (double) (j - i);
			}
		}
		Arrays.sort(slopes);
		int middle = slopes.length / 2;
		return (slopes.length % 2 == 1) ? slopes[middle] : (slopes[middle - 1] + slopes[middle]) / 2;
	}

}
