package dev.timerwatch.autoconfigure;

import java.util.Arrays;

import dev.timerwatch.health.TimersHealthIndicator;
import dev.timerwatch.tracking.TimerRegistry;
import dev.timerwatch.trend.LeakDetector;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * for the {@link TimersHealthIndicator}, contributed as {@code timers}.
 */
@AutoConfiguration(after = TimerwatchAutoConfiguration.class)
@ConditionalOnClass(AbstractHealthIndicator.class)
@ConditionalOnBean(TimerRegistry.class)
// Off with the rest of timerwatch, even where the application defines a registry of its own.
@ConditionalOnBooleanProperty(name = "timerwatch.enabled", matchIfMissing = true)
@ConditionalOnEnabledHealthIndicator("timers")
public final class TimersHealthContributorAutoConfiguration {

	private static final Log logger = LogFactory.getLog(TimersHealthContributorAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean(name = "timersHealthIndicator")
	TimersHealthIndicator timersHealthIndicator(TimerRegistry registry, LeakDetector detector,
			TimerwatchProperties properties, Environment environment) {
		TimerwatchProperties.Health health = properties.getHealth();
		warnIfStatusIsNotOrdered(health.getLeakStatus(), environment);
		return new TimersHealthIndicator(registry, detector, new Status(health.getLeakStatus()),
				health.getMaxPending(), health.getSampleInterval());
	}

	private static void warnIfStatusIsNotOrdered(String leakStatus, Environment environment) {
		String order = environment.getProperty(HealthStatusOrderEnvironmentPostProcessor.ORDER_PROPERTY);
		if (order != null && Arrays.stream(order.split(",")).map(String::trim).noneMatch(leakStatus::equalsIgnoreCase)) {
			logger.warn("timerwatch.health.leak-status " + leakStatus + " is missing from "
					+ HealthStatusOrderEnvironmentPostProcessor.ORDER_PROPERTY + " (" + order
					+ "), so Boot's health aggregation ignores it and a leak will not change the overall status");
		}
	}

}
