package dev.timerwatch.sample;

import java.util.concurrent.ScheduledThreadPoolExecutor;

import org.springframework.boot.task.ThreadPoolTaskSchedulerBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * The sample's schedulers: Boot's {@code taskScheduler}, and an executor for per-message
 * timeouts.
 */
@Configuration(proxyBeanMethods = false)
class SchedulingConfiguration {

	// Boot backs off from its own taskScheduler as soon as any ScheduledExecutorService bean
	// exists, so it is declared here, configured from spring.task.scheduling.* as Boot would.
	@Bean
	ThreadPoolTaskScheduler taskScheduler(ThreadPoolTaskSchedulerBuilder builder) {
		ThreadPoolTaskScheduler scheduler = builder.build();
		// The fixed scenarios cancel what they schedule; without this a cancelled ticker stays
		// queued until it would have fired, and timerwatch rightly flags it retained-cancelled.
		scheduler.setRemoveOnCancelPolicy(true);
		return scheduler;
	}

	@Bean(destroyMethod = "shutdownNow")
	ScheduledThreadPoolExecutor timeoutExecutor() {
		ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(2);
		// Cancelled timeouts leave the queue at once instead of when they would have fired.
		executor.setRemoveOnCancelPolicy(true);
		return executor;
	}

}
