package dev.timerwatch.trend;

/**
 * Whether an origin's tasks keep outliving its healthy lifetimes.
 */
public enum Trend {

	/** More and more tasks outlive the origin's horizon: a leak. */
	GROWING,

	/** Judged, and not growing, however many tasks are pending. */
	STABLE,

	/** Not enough samples yet to compare blocks of history. */
	UNKNOWN

}
