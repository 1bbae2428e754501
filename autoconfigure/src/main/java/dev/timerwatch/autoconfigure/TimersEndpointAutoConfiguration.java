package dev.timerwatch.autoconfigure;

import java.util.Map;

import dev.timerwatch.endpoint.TimersEndpoint;
import dev.timerwatch.endpoint.TimersEndpointProperties;
import dev.timerwatch.misuse.MisuseDetector;
import dev.timerwatch.threads.ThreadLeakTracker;
import dev.timerwatch.tracking.TimerRegistry;
import dev.timerwatch.trend.LeakDetector;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * for the {@link TimersEndpoint}. Like every actuator endpoint it is on the web only when
 * exposed ({@code management.endpoints.web.exposure.include=timers}).
 */
@AutoConfiguration(after = TimerwatchAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBean(TimerRegistry.class)
// Off with the rest of timerwatch, even where the application defines a registry of its own.
@ConditionalOnBooleanProperty(name = "timerwatch.enabled", matchIfMissing = true)
@ConditionalOnAvailableEndpoint(TimersEndpoint.class)
@EnableConfigurationProperties(TimersEndpointProperties.class)
public final class TimersEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	TimersEndpoint timersEndpoint(TimerRegistry registry, LeakDetector detector, MisuseDetector misuses,
			TimersEndpointProperties properties, ObjectProvider<ThreadLeakTracker> threadLeakTracker) {
		// Resolved now, never on a request's thread.
		ThreadLeakTracker threads = threadLeakTracker.getIfAvailable();
		return new TimersEndpoint(registry, detector, properties.getShowDetails(), properties.getRoles(),
				misuses::findings, (threads != null) ? threads::threadsByOrigin : (max) -> Map.of());
	}

}
