package dev.timerwatch.autoconfigure;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.springframework.aot.AotDetector;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Puts timerwatch's leak status into Boot's health status order, as a default that any
 * configured order replaces. Boot's aggregator drops a status code that is not in
 * {@code management.endpoint.health.status.order}, so without this a leak would never reach
 * {@code /actuator/health}. LEAKING ranks between OUT_OF_SERVICE and UP, and, like every
 * status Boot does not map, answers HTTP 200: a leak alerts, it does not take the instance
 * out of a load balancer.
 *
 * <p>It also refuses a value of {@code timerwatch.enabled} or {@code timerwatch.threads.enabled}
 * other than {@code true} or {@code false}: the conditions that read them, as Boot's own
 * {@code enabled} flags do, take anything but {@code true} for off, so {@code yes} would
 * silently turn tracking off, and no binding would ever see it.
 */
public class HealthStatusOrderEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	static final String ORDER_PROPERTY = "management.endpoint.health.status.order";

	private static final Set<String> BOOT_STATUSES = Set.of("DOWN", "OUT_OF_SERVICE", "UP", "UNKNOWN");

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		boolean enabled = flag(environment, "timerwatch.enabled");
		flag(environment, "timerwatch.threads.enabled");
		// On code Spring AOT generated, the health indicator is there if timerwatch was on when
		// the application was built, whatever the run-time value says; if it was off, an order
		// naming a status no indicator reports changes nothing.
		if (!enabled && !AotDetector.useGeneratedArtifacts()) {
			return;
		}
		String leakStatus = environment.getProperty("timerwatch.health.leak-status", "LEAKING")
			.toUpperCase(Locale.ROOT);
		if (BOOT_STATUSES.contains(leakStatus)) {
			return;
		}
		String order = String.join(",", "DOWN", "OUT_OF_SERVICE", leakStatus, "UP", "UNKNOWN");
		environment.getPropertySources()
			.addLast(new MapPropertySource("timerwatchHealthStatusOrder", Map.of(ORDER_PROPERTY, order)));
	}

	private static boolean flag(ConfigurableEnvironment environment, String name) {
		String value = environment.getProperty(name);
		if (value == null || value.equalsIgnoreCase("true")) {
			return true;
		}
		if (value.equalsIgnoreCase("false")) {
			return false;
		}
		// Boot's failure analyzer reports this one as it reports a property that fails to bind.
		throw new InvalidConfigurationPropertyValueException(name, value, "must be true or false");
	}

	@Override
	public int getOrder() {
		// After application properties are loaded, so the configured leak status is known.
		return Ordered.LOWEST_PRECEDENCE;
	}

}
