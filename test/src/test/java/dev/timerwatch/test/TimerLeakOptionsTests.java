package dev.timerwatch.test;

import java.time.Duration;
import java.util.List;
import java.util.Properties;

import dev.timerwatch.tracking.TaskOrigin;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class TimerLeakOptionsTests {

	@Test
	void theFileOnTheTestClassPathIsRead() {
		assertThat(TimerLeakOptions.fromProperties().ignoredOrigins())
			.containsExactly("dev.timerwatch.test.fixtures.ignored");
	}

	@Test
	void propertiesAddIgnoresAndReplaceTheOtherSettings() {
		Properties properties = new Properties();
		properties.setProperty("timerwatch.test.ignore-origins", "com.example.legacy, com.example.Poller");
		properties.setProperty("timerwatch.test.ignore-thread-names", "OkHttp .*");
		properties.setProperty("timerwatch.test.grace-period", "250ms");
		properties.setProperty("timerwatch.test.threads", "false");
		TimerLeakOptions options = TimerLeakOptions.defaults().withIgnoredOrigins("com.example.Other").with(properties);
		assertThat(options.ignoredOrigins()).containsExactly("com.example.Other", "com.example.legacy",
				"com.example.Poller");
		assertThat(options.ignoresThreadNamed("OkHttp ConnectionPool")).isTrue();
		assertThat(options.ignoresThreadNamed("ForkJoinPool.commonPool-worker-3")).isTrue();
		assertThat(options.gracePeriod()).isEqualTo(Duration.ofMillis(250));
		assertThat(options.threads()).isFalse();
		assertThat(options.tasks()).isTrue();
	}

	@Test
	void anInvalidValueIsRejectedNamingTheProperty() {
		Properties grace = new Properties();
		grace.setProperty("timerwatch.test.grace-period", "soon");
		assertThatIllegalArgumentException().isThrownBy(() -> TimerLeakOptions.defaults().with(grace))
			.withMessage("timerwatch.test.grace-period must be a duration such as 500ms or 2s, was 'soon'");
		Properties flag = new Properties();
		flag.setProperty("timerwatch.test.tasks", "yes");
		assertThatIllegalArgumentException().isThrownBy(() -> TimerLeakOptions.defaults().with(flag))
			.withMessage("timerwatch.test.tasks must be true or false, was 'yes'");
	}

	@Test
	void threadNamePatternsAreSplitAtTheCommasBetweenThemNotAtThoseInside() {
		Properties properties = new Properties();
		properties.setProperty("timerwatch.test.ignore-thread-names", "worker-\\d{1,3}, OkHttp .*,a[,;]b, c\\,d, \\Qpool-1,2\\E");
		TimerLeakOptions options = TimerLeakOptions.defaults().with(properties);
		assertThat(options.ignoresThreadNamed("worker-12")).isTrue();
		assertThat(options.ignoresThreadNamed("worker-1234")).isFalse();
		assertThat(options.ignoresThreadNamed("OkHttp Dispatcher")).isTrue();
		assertThat(options.ignoresThreadNamed("a,b")).isTrue();
		assertThat(options.ignoresThreadNamed("c,d")).isTrue();
		assertThat(options.ignoresThreadNamed("pool-1,2")).isTrue();
	}

	@Test
	void anInvalidThreadNamePatternIsRejectedNamingThePropertyAndThePattern() {
		Properties properties = new Properties();
		properties.setProperty("timerwatch.test.ignore-thread-names", "OkHttp .*, worker-(");
		assertThatIllegalArgumentException().isThrownBy(() -> TimerLeakOptions.defaults().with(properties))
			.withMessageStartingWith("timerwatch.test.ignore-thread-names must hold regular expressions, was 'worker-('");
	}

	@Test
	void durationsAreReadInTheUsualForms() {
		assertThat(TimerLeakOptions.parseDuration("p", "2s")).isEqualTo(Duration.ofSeconds(2));
		assertThat(TimerLeakOptions.parseDuration("p", "1m")).isEqualTo(Duration.ofMinutes(1));
		assertThat(TimerLeakOptions.parseDuration("p", "750")).isEqualTo(Duration.ofMillis(750));
		assertThat(TimerLeakOptions.parseDuration("p", "PT0.5S")).isEqualTo(Duration.ofMillis(500));
	}

	@Test
	void anOriginIsIgnoredByItsClassItsOuterClassOrItsPackage() {
		TimerLeakOptions options = TimerLeakOptions.defaults().withIgnoredOrigins("com.example.Poller", "org.legacy");
		assertThat(options.ignores(origin("com.example.Poller"))).isTrue();
		assertThat(options.ignores(origin("com.example.Poller$Tick"))).isTrue();
		assertThat(options.ignores(origin("org.legacy.jobs.Sweeper"))).isTrue();
		assertThat(options.ignores(origin("com.example.PollerFactory"))).isFalse();
		assertThat(options.ignores(origin("org.legacyx.Sweeper"))).isFalse();
	}

	@Test
	void theWorkersOfEmbeddedServersAreIgnoredByDefaultAndPoolsNamedAlikeAreNot() {
		TimerLeakOptions options = TimerLeakOptions.defaults();
		assertThat(List.of("http-nio-8080-exec-1", "http-nio-auto-1-exec-40", "https-jsse-nio-8443-exec-3",
				"http-nio-127.0.0.1-8080-exec-2", "http-nio2-8080-exec-1", "ajp-nio-8009-exec-1", "qtp1234567-42",
				"XNIO-1 task-7", "timerwatch-sampler"))
			.allSatisfy((name) -> assertThat(options.ignoresThreadNamed(name)).as(name).isTrue());
		assertThat(List.of("pool-3-thread-1", "mail-exec-1", "http-client-1", "XNIO-1 I/O-1x", "qtp-worker"))
			.allSatisfy((name) -> assertThat(options.ignoresThreadNamed(name)).as(name).isFalse());
	}

	@Test
	void threadNamePatternsMatchTheWholeName() {
		TimerLeakOptions options = TimerLeakOptions.defaults().withIgnoredThreadNames("worker-\\d+");
		assertThat(options.ignoresThreadNamed("worker-12")).isTrue();
		assertThat(options.ignoresThreadNamed("my-worker-12")).isFalse();
	}

	private static TaskOrigin origin(String className) {
		return TaskOrigin.callSite(className, "run", "X.java", 1);
	}

}
