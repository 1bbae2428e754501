package dev.timerwatch.autoconfigure;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.aot.AotDetector;
import org.springframework.core.env.Environment;

/**
 * Warns of a switch set to {@code false} at run time that an application built with Spring
 * AOT cannot honour: its generated code decided the conditions on {@code timerwatch.enabled}
 * and {@code timerwatch.threads.enabled} when it was built (as it does every condition on a
 * property), so the part they turn off runs anyway. Without AOT a part that is off has no
 * bean to warn from.
 */
final class AotFixedSwitches {

	private static final Log logger = LogFactory.getLog(AotFixedSwitches.class);

	private AotFixedSwitches() {
	}

	/**
	 * Warn if the given switch is set to {@code false} while the application runs on code
	 * that Spring AOT generated with it on.
	 * @param environment the application's environment
	 * @param property the switch
	 * @return whether a warning was logged
	 */
	static boolean warnIfIgnored(Environment environment, String property) {
		if (!AotDetector.useGeneratedArtifacts()
				|| !"false".equalsIgnoreCase(String.valueOf(environment.getProperty(property)).trim())) {
			return false;
		}
		logger.warn(property + "=false has no effect: this application runs on the code Spring AOT generated "
				+ "when it was built, with " + property + " on (AOT decides conditions on properties at build "
				+ "time); set " + property + "=false for the build (the process-aot goal) to turn it off");
		return true;
	}

}
