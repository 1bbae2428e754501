package dev.timerwatch.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The default health status order, and the flags it reads.
 */
class HealthStatusOrderEnvironmentPostProcessorTests {

	private final HealthStatusOrderEnvironmentPostProcessor postProcessor = new HealthStatusOrderEnvironmentPostProcessor();

	@Test
	void ranksTheLeakStatusBetweenOutOfServiceAndUp() {
		MockEnvironment environment = new MockEnvironment().withProperty("timerwatch.health.leak-status", "leaky");
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty(HealthStatusOrderEnvironmentPostProcessor.ORDER_PROPERTY))
			.isEqualTo("DOWN,OUT_OF_SERVICE,LEAKY,UP,UNKNOWN");
	}

	@Test
	void addsNoOrderWhenTimerwatchIsOff() {
		MockEnvironment environment = new MockEnvironment().withProperty("timerwatch.enabled", "FALSE");
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty(HealthStatusOrderEnvironmentPostProcessor.ORDER_PROPERTY)).isNull();
	}

	@Test
	void refusesAFlagThatIsNeitherTrueNorFalseNamingIt() {
		for (String flag : new String[] { "timerwatch.enabled", "timerwatch.threads.enabled" }) {
			for (String value : new String[] { "yes", "on", "1", "" }) {
				MockEnvironment environment = new MockEnvironment().withProperty(flag, value);
				assertThatIllegalArgumentException()
					.isThrownBy(() -> this.postProcessor.postProcessEnvironment(environment, new SpringApplication()))
					.withMessage(flag + " must be true or false, was '" + value + "'");
			}
		}
	}

}
