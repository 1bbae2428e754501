package dev.timerwatch.autoconfigure;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.timerwatch.autoconfigure.scheduling.SchedulerTracking;
import dev.timerwatch.threads.ThreadLeakTracker;
import dev.timerwatch.tracking.TimerRegistry;

import org.springframework.aot.AotDetector;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.SpringProperties;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A switch turned off at run time in an application built with Spring AOT, whose generated
 * code decided its condition at build time, is said to have no effect.
 */
@ExtendWith(OutputCaptureExtension.class)
class AotFixedSwitchesTests {

	@AfterEach
	void leaveAot() {
		SpringProperties.setProperty(AotDetector.AOT_ENABLED, null);
	}

	@Test
	void aSwitchTurnedOffUnderAotIsSaidToHaveNoEffect(CapturedOutput output) {
		SpringProperties.setProperty(AotDetector.AOT_ENABLED, "true");
		MockEnvironment environment = new MockEnvironment().withProperty("timerwatch.threads.enabled", "false");
		assertThat(AotFixedSwitches.warnIfIgnored(environment, "timerwatch.threads.enabled")).isTrue();
		assertThat(output).contains("timerwatch.threads.enabled=false has no effect")
			.contains("set timerwatch.threads.enabled=false for the build");
	}

	@Test
	void theConfigurationWarnsOfEachSwitchWhereItsPartIsMade(CapturedOutput output) {
		SpringProperties.setProperty(AotDetector.AOT_ENABLED, "true");
		MockEnvironment environment = new MockEnvironment().withProperty("timerwatch.enabled", "false")
			.withProperty("timerwatch.threads.enabled", "false");
		TimerwatchAutoConfiguration configuration = new TimerwatchAutoConfiguration();
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		configuration.timerwatchSchedulingConfigurer(SchedulerTracking.of(TimerRegistry::new, beanFactory), beanFactory,
				environment);
		assertThat(output).contains("timerwatch.enabled=false has no effect")
			.doesNotContain("timerwatch.threads.enabled=false has no effect");
		try (ThreadLeakTracker tracker = configuration.timerwatchThreadLeakTracker(new TimerRegistry(),
				Binder.get(new MockEnvironment()).bindOrCreate("timerwatch", TimerwatchProperties.class), environment)) {
			assertThat(output).contains("timerwatch.threads.enabled=false has no effect");
		}
	}

	@Test
	void aSwitchLeftOnOrNotSetUnderAotSaysNothing(CapturedOutput output) {
		SpringProperties.setProperty(AotDetector.AOT_ENABLED, "true");
		MockEnvironment environment = new MockEnvironment().withProperty("timerwatch.enabled", "true");
		assertThat(AotFixedSwitches.warnIfIgnored(environment, "timerwatch.enabled")).isFalse();
		assertThat(AotFixedSwitches.warnIfIgnored(environment, "timerwatch.threads.enabled")).isFalse();
		assertThat(output).doesNotContain("has no effect");
	}

	@Test
	void withoutAotASwitchThatIsOffHasNoBeanToWarnFromAndSaysNothing(CapturedOutput output) {
		MockEnvironment environment = new MockEnvironment().withProperty("timerwatch.enabled", "false");
		assertThat(AotFixedSwitches.warnIfIgnored(environment, "timerwatch.enabled")).isFalse();
		assertThat(output).doesNotContain("has no effect");
	}

}
