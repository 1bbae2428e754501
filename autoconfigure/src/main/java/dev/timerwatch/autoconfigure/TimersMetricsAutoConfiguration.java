package dev.timerwatch.autoconfigure;

import dev.timerwatch.health.TimersSampler;
import dev.timerwatch.metrics.TimersMetrics;
import dev.timerwatch.misuse.MisuseDetector;
import dev.timerwatch.tracking.TimerRegistry;
import dev.timerwatch.trend.LeakDetector;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * for {@link TimersMetrics}, bound to every meter registry by Boot like any
 * {@code MeterBinder}.
 */
@AutoConfiguration(after = TimerwatchAutoConfiguration.class)
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(TimerRegistry.class)
// Off with the rest of timerwatch, even where the application defines a registry of its own.
@ConditionalOnBooleanProperty(name = "timerwatch.enabled", matchIfMissing = true)
public final class TimersMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	TimersMetrics timersMetrics(TimerRegistry registry, TimerwatchProperties properties,
			ObjectProvider<MisuseDetector> misuses, ObjectProvider<LeakDetector> leaks) {
		TimersMetrics metrics = new TimersMetrics(registry, properties.getMetrics().getMaxOrigins(),
				misuses.getIfAvailable(), leaks.getIfAvailable(), properties.getHealth().getSampleInterval());
		registry.addObserver(metrics);
		return metrics;
	}

	@Bean
	TimersSampler.AfterSample timersMetricsRefresh(TimersMetrics metrics) {
		return metrics::refresh;
	}

}
