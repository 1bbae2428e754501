package dev.timerwatch.trend;

/**
 * The verdict on one series. Immutable.
 *
 * @param trend which way the series goes
 * @param growthPerMinute the Theil-Sen slope, in tasks per minute
 * @param z the Mann-Kendall statistic, standard normal under "no trend"
 */
public record TrendAssessment(Trend trend, double growthPerMinute, double z) {

}
