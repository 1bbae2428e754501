package dev.timerwatch.autoconfigure;

import dev.timerwatch.autoconfigure.scheduling.SchedulerTracking;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * of an application that turned timerwatch off ({@code timerwatch.enabled=false}). Code that
 * tracks the schedulers it creates injects {@link SchedulerTracking}, as README.md shows:
 * turning timerwatch off must not stop that application from starting, so it still gets one,
 * which returns every scheduler as it is.
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "timerwatch.enabled", havingValue = false)
public final class TimerwatchOffAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	SchedulerTracking timerwatchSchedulerTracking() {
		return SchedulerTracking.off();
	}

}
