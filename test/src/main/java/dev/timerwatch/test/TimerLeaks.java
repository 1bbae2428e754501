package dev.timerwatch.test;

/**
 * Leak checks for any test framework, in the manner of Go's {@code goleak.VerifyNone}: begin a
 * check before the code under test, verify it after.
 *
 * <pre>
 * TimerLeakCheck check = TimerLeaks.begin(TimerLeakOptions.fromProperties().withRegistries(registry));
 * sessionManager.open("alice").close();
 * check.verifyNone("opening and closing a session");
 * </pre>
 *
 * Without a registry only threads are checked; with the {@code TimerRegistry} of a tracked
 * application (the bean of that type), its scheduled tasks too.
 */
public final class TimerLeaks {

	private TimerLeaks() {
	}

	/**
	 * Begin a check with the options of {@code timerwatch-test.properties} and system
	 * properties, checking threads only.
	 * @return the check, to verify when the code under test is done
	 */
	public static TimerLeakCheck begin() {
		return begin(TimerLeakOptions.fromProperties());
	}

	/**
	 * Begin a check: everything that exists now is not a leak. Starts the thread start
	 * recorder first, once per JVM, if threads are checked and their origins wanted.
	 * @param options what to check and to ignore
	 * @return the check, to verify when the code under test is done
	 */
	public static TimerLeakCheck begin(TimerLeakOptions options) {
		boolean recordOrigins = options.threads() && options.threadOrigins();
		return new TimerLeakCheck(options, recordOrigins ? SharedThreadOrigins.get() : null);
	}

}
