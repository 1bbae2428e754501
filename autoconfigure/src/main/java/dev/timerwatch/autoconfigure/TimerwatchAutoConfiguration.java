package dev.timerwatch.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import dev.timerwatch.autoconfigure.scheduling.ScheduledBeanScopeInspector;
import dev.timerwatch.autoconfigure.scheduling.SchedulerTracking;
import dev.timerwatch.autoconfigure.scheduling.SchedulerTrackingPostProcessor;
import dev.timerwatch.autoconfigure.scheduling.TrackingSchedulingConfigurer;
import dev.timerwatch.misuse.Misuse;
import dev.timerwatch.misuse.MisuseDetector;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import dev.timerwatch.health.TimersSampler;
import dev.timerwatch.threads.ThreadLeakTracker;
import dev.timerwatch.tracking.CallSiteLocator;
import dev.timerwatch.tracking.MonotonicClock;
import dev.timerwatch.tracking.TimerRegistry;
import dev.timerwatch.trend.LeakDetector;
import dev.timerwatch.trend.OriginVerdict;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * that tracks every {@code TaskScheduler} and {@code ScheduledExecutorService} bean.
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "timerwatch.enabled", matchIfMissing = true)
@EnableConfigurationProperties(TimerwatchProperties.class)
public final class TimerwatchAutoConfiguration {

	private static final Log logger = LogFactory.getLog(MisuseDetector.class);

	@Bean
	@ConditionalOnMissingBean
	TimerRegistry timerRegistry(TimerwatchProperties properties) {
		TimerwatchProperties.Origin origin = properties.getOrigin();
		CallSiteLocator locator = new CallSiteLocator(origin.getExcludePackages(), origin.getMaxDepth());
		TimerwatchProperties.Health health = properties.getHealth();
		// Task ages are known to an epoch: the leak detector needs them finer than its window.
		long epochMillis = LeakDetector.epochMillisFor(health.getSampleInterval(), health.getWindow());
		int idleEpochs = (int) Math.max(3, Math.min(Integer.MAX_VALUE, origin.getIdleTimeout().toMillis() / epochMillis));
		TimerRegistry registry = new TimerRegistry(locator, MonotonicClock::millis, epochMillis, origin.getMaxOrigins(),
				idleEpochs);
		registry.setDeclaredOrigins(SchedulerTracking.scheduledMethodOrigins());
		return registry;
	}

	@Bean
	@ConditionalOnMissingBean
	LeakDetector timersLeakDetector(TimerRegistry registry, TimerwatchProperties properties) {
		TimerwatchProperties.Health health = properties.getHealth();
		return new LeakDetector(registry, health.getSampleInterval(), health.getWindow(),
				health.getMinGrowthPerMinute(), registry::currentTimeMillis);
	}

	@Bean
	@ConditionalOnMissingBean
	MisuseDetector timersMisuseDetector(TimerRegistry registry, TimerwatchProperties properties) {
		TimerwatchProperties.Misuse misuse = properties.getMisuse();
		MisuseDetector detector = new MisuseDetector(registry, misuse.getHotLoopThreshold(),
				misuse.getRepeatedFailures(), misuse.getStarvationThreshold(), misuse.getStuckThreshold(),
				registry::currentTimeMillis);
		detector.onNewFinding((Misuse finding) -> logger.warn(finding.message()));
		registry.addObserver(detector);
		return detector;
	}

	@Bean
	@ConditionalOnMissingBean
	TimersSampler timersSampler(LeakDetector detector, MisuseDetector misuse, TimerwatchProperties properties,
			ObjectProvider<TimersSampler.AfterSample> listeners, Environment environment) {
		List<Runnable> afterSample = new ArrayList<>();
		afterSample.add(() -> misuse.check(detector.report().leaking().stream().map(OriginVerdict::origin).toList()));
		// Resolved here, not on the sampler thread, which must never create beans.
		listeners.orderedStream().forEach((listener) -> afterSample.add(listener::run));
		// Read as text: the endpoint's Show type is the actuator's, which this configuration
		// does not need on the classpath.
		boolean stacksShown = Binder.get(environment)
			.bind("management.endpoint.timers.show-details", String.class)
			.map((show) -> show.trim().equalsIgnoreCase("always"))
			.orElse(false);
		return new TimersSampler(detector, properties.getHealth().getSampleInterval(), afterSample, stacksShown);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "timerwatch.threads.enabled", matchIfMissing = true)
	ThreadLeakTracker timerwatchThreadLeakTracker(TimerRegistry registry, TimerwatchProperties properties,
			Environment environment) {
		AotFixedSwitches.warnIfIgnored(environment, "timerwatch.threads.enabled");
		TimerwatchProperties.Origin origin = properties.getOrigin();
		List<String> excluded = new ArrayList<>(ThreadLeakTracker.DEFAULT_EXCLUDED_PACKAGES);
		excluded.addAll(origin.getExcludePackages());
		return ThreadLeakTracker.startInBackground(registry, new CallSiteLocator(excluded, origin.getMaxDepth()));
	}

	@Bean
	static ScheduledBeanScopeInspector timersScheduledBeanScopeInspector(ObjectProvider<MisuseDetector> detector) {
		return new ScheduledBeanScopeInspector(detector);
	}

	@Bean
	@ConditionalOnMissingBean
	SchedulerTracking timerwatchSchedulerTracking(ObjectProvider<TimerRegistry> registry, BeanFactory beanFactory) {
		return SchedulerTracking.of(registry::getObject, beanFactory);
	}

	@Bean
	TrackingSchedulingConfigurer timerwatchSchedulingConfigurer(SchedulerTracking tracking, BeanFactory beanFactory,
			Environment environment) {
		// Here, on a bean every application with this configuration has.
		AotFixedSwitches.warnIfIgnored(environment, "timerwatch.enabled");
		return new TrackingSchedulingConfigurer(tracking, beanFactory);
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static SchedulerTrackingPostProcessor schedulerTrackingPostProcessor(ObjectProvider<TimerRegistry> registry) {
		return new SchedulerTrackingPostProcessor(registry);
	}

}
