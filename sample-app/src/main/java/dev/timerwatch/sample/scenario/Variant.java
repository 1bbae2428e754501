package dev.timerwatch.sample.scenario;

import java.util.Locale;

/**
 * Which version of a scenario's code runs.
 */
public enum Variant {

	/** The code as it was in the incident. */
	LEAKY,

	/** The code with the fix applied. */
	FIXED;

	/**
	 * Parse a request parameter.
	 * @param value {@code leaky} or {@code fixed}, in any case
	 * @return the variant
	 * @throws IllegalArgumentException for any other value
	 */
	public static Variant parse(String value) {
		try {
			return valueOf(value.toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("variant must be 'leaky' or 'fixed', was '" + value + "'");
		}
	}

}
