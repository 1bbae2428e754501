package dev.timerwatch.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.aot.AotDetector;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.SpringProperties;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The default health status order, and the flags it reads.
 */
@ExtendWith(OutputCaptureExtension.class)
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
	void ranksTheLeakStatusUnderAotEvenWhenTimerwatchIsTurnedOffOnlyAtRunTime() {
		// The generated code has the health indicator if the build had timerwatch on.
		SpringProperties.setProperty(AotDetector.AOT_ENABLED, "true");
		try {
			MockEnvironment environment = new MockEnvironment().withProperty("timerwatch.enabled", "false");
			this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
			assertThat(environment.getProperty(HealthStatusOrderEnvironmentPostProcessor.ORDER_PROPERTY))
				.isEqualTo("DOWN,OUT_OF_SERVICE,LEAKING,UP,UNKNOWN");
		}
		finally {
			SpringProperties.setProperty(AotDetector.AOT_ENABLED, null);
		}
	}

	@Test
	void addsNoOrderWhenTimerwatchIsOff() {
		MockEnvironment environment = new MockEnvironment().withProperty("timerwatch.enabled", "FALSE");
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty(HealthStatusOrderEnvironmentPostProcessor.ORDER_PROPERTY)).isNull();
	}

	@Test
	void anApplicationStartedWithAFlagThatIsNeitherTrueNorFalseFailsWithBootsReportNamingIt(CapturedOutput output) {
		SpringApplication application = new SpringApplication(Empty.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> application.run("--timerwatch.enabled=maybe"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Invalid value 'maybe' for configuration property 'timerwatch.enabled'")
			.contains("must be true or false");
	}

	@Configuration(proxyBeanMethods = false)
	static class Empty {

	}

	@Test
	void refusesAFlagThatIsNeitherTrueNorFalseNamingIt() {
		for (String flag : new String[] { "timerwatch.enabled", "timerwatch.threads.enabled" }) {
			for (String value : new String[] { "yes", "on", "1", "" }) {
				MockEnvironment environment = new MockEnvironment().withProperty(flag, value);
				assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
					.isThrownBy(() -> this.postProcessor.postProcessEnvironment(environment, new SpringApplication()))
					.satisfies((ex) -> {
						assertThat(ex.getName()).isEqualTo(flag);
						assertThat(ex.getValue()).isEqualTo(value);
						assertThat(ex.getReason()).isEqualTo("must be true or false");
					});
			}
		}
	}

}
