package dev.timerwatch.sample;

import java.util.concurrent.ScheduledThreadPoolExecutor;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The sample's own executor for per-message timeouts, besides Boot's {@code taskScheduler}.
 */
@Configuration(proxyBeanMethods = false)
class SchedulingConfiguration {

	@Bean(destroyMethod = "shutdownNow")
	ScheduledThreadPoolExecutor timeoutExecutor() {
		ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(2);
		// Cancelled timeouts leave the queue at once instead of when they would have fired.
		executor.setRemoveOnCancelPolicy(true);
		return executor;
	}

}
