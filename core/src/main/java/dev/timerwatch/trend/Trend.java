package dev.timerwatch.trend;

/**
 * Which way a pending count is going over the judged window.
 */
public enum Trend {

	/** Rising steadily: a leak. */
	GROWING,

	/** No sustained movement, however high or noisy the count. */
	STABLE,

	/** Falling steadily. */
	SHRINKING,

	/** Not enough samples yet to judge a whole window. */
	UNKNOWN

}
