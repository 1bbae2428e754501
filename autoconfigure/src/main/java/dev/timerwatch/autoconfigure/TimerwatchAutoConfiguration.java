package dev.timerwatch.autoconfigure;

import dev.timerwatch.autoconfigure.scheduling.SchedulerTrackingPostProcessor;
import dev.timerwatch.tracking.CallSiteLocator;
import dev.timerwatch.tracking.TimerRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * that tracks every {@code TaskScheduler} and {@code ScheduledExecutorService} bean.
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "timerwatch.enabled", matchIfMissing = true)
@EnableConfigurationProperties(TimerwatchProperties.class)
public final class TimerwatchAutoConfiguration {

	/** Resolution of task creation times, and so of task ages. */
	private static final long EPOCH_MILLIS = 10_000;

	@Bean
	@ConditionalOnMissingBean
	TimerRegistry timerRegistry(TimerwatchProperties properties) {
		TimerwatchProperties.Origin origin = properties.getOrigin();
		CallSiteLocator locator = new CallSiteLocator(origin.getExcludePackages(), origin.getMaxDepth());
		return new TimerRegistry(locator, System::currentTimeMillis, EPOCH_MILLIS);
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static SchedulerTrackingPostProcessor schedulerTrackingPostProcessor(ObjectProvider<TimerRegistry> registry) {
		return new SchedulerTrackingPostProcessor(registry);
	}

}
