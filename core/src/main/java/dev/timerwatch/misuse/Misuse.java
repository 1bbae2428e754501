package dev.timerwatch.misuse;

/**
 * One finding. Immutable.
 *
 * @param type what is wrong
 * @param originId the origin's id, as in {@code /actuator/timers/{id}}, or empty for a finding
 * about a bean rather than an origin
 * @param origin the origin, or the scheduled method
 * @param scheduler the scheduler's name, or empty
 * @param evidence the figures that prove it
 * @param detectedAtMillis when it was first seen
 */
public record Misuse(MisuseType type, String originId, String origin, String scheduler, String evidence,
		long detectedAtMillis) {

	/**
	 * The line logged once when the finding is new.
	 * @return the message
	 */
	public String message() {
		return "TIMER MISUSE: " + this.type.tag() + " at " + this.origin
				+ (this.scheduler.isEmpty() ? "" : " on scheduler '" + this.scheduler + "'") + ": " + this.evidence
				+ ". Fix: " + this.type.fix() + ".";
	}

}
