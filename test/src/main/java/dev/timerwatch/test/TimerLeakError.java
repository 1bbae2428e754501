package dev.timerwatch.test;

import java.io.Serial;

/**
 * Thrown when a check finds tasks or threads left behind; the message names each leak's line,
 * count, kind and fix.
 */
public final class TimerLeakError extends AssertionError {

	@Serial
	private static final long serialVersionUID = 1L;

	private final transient TimerLeakReport report;

	TimerLeakError(TimerLeakReport report, String after) {
		super(report.message(after));
		this.report = report;
	}

	/**
	 * What leaked.
	 * @return the report
	 */
	public TimerLeakReport report() {
		return this.report;
	}

}
