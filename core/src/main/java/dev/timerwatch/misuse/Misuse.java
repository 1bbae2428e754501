package dev.timerwatch.misuse;

import org.jspecify.annotations.Nullable;

/**
 * One finding. Immutable.
 *
 * @param type what is wrong
 * @param originId the origin's id, as in {@code /actuator/timers/{id}}, or empty for a finding
 * about a bean rather than an origin
 * @param origin the origin, or the scheduled method
 * @param scheduler the scheduler's name, or empty
 * @param evidence the figures that prove it, with no text of the application's own (an
 * exception is named by its class), so that it can be shown to anyone who may read the report
 * @param failure what the last failed run threw, class and message, for a finding about
 * failures, else {@code null}: the message may carry anything the application put in it
 * (a query, a URL, a token), so it is logged, but shown on the endpoint only where its
 * details are
 * @param detectedAtMillis when it was first seen
 */
public record Misuse(MisuseType type, String originId, String origin, String scheduler, String evidence,
		@Nullable String failure, long detectedAtMillis) {

	/**
	 * The line logged once when the finding is new, with the failure's message if any.
	 * @return the message
	 */
	public String message() {
		return "TIMER MISUSE: " + this.type.tag() + " at " + this.origin
				+ (this.scheduler.isEmpty() ? "" : " on scheduler '" + this.scheduler + "'") + ": " + this.evidence
				+ ((this.failure != null) ? " (" + this.failure + ")" : "") + ". Fix: " + this.type.fix() + ".";
	}

}
