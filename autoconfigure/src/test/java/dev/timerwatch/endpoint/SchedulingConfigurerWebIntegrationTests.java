package dev.timerwatch.endpoint;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.timerwatch.fixtures.MisbehavingJobs;
import dev.timerwatch.fixtures.TutorialSchedulingConfigurer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.SchedulingConfigurer;

import static dev.timerwatch.endpoint.TimersWebIntegrationTests.json;
import static dev.timerwatch.endpoint.TimersWebIntegrationTests.list;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The tutorial pattern, over HTTP on a real server: {@code @Scheduled} methods run on a pool
 * that a {@code SchedulingConfigurer} creates, which is no bean. Their tasks are counted and
 * their misuse is flagged all the same.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=health,timers",
				"timerwatch.health.sample-interval=100ms", "timerwatch.health.window=1s" })
class SchedulingConfigurerWebIntegrationTests {

	// One client for every request: a client per request leaves its selector thread behind
	// until it is collected, which timerwatch rightly reports as a leak.
	private static final HttpClient http = HttpClient.newHttpClient();

	private static final String JOB = MisbehavingJobs.OverrunningJob.class.getName() + "#export";

	@Value("${local.server.port}")
	private int port;

	@Test
	void anOverrunningJobOnAPoolSetByASchedulingConfigurerIsCountedAndFlagged() {
		Map<String, Object> job = await().atMost(Duration.ofSeconds(30))
			.until(() -> origin(timers()), (origin) -> origin != null);
		// One periodic task, running most of the time: its runs take longer than its period.
		assertThat(job.get("scheduled")).isEqualTo(1);
		assertThat(((Number) job.get("pending")).intValue() + ((Number) job.get("running")).intValue()).isEqualTo(1);
		assertThat(job.get("scheduler")).isEqualTo("scheduledTaskRegistrar");
		assertThat(job.get("kinds")).isEqualTo(List.of("fixed-rate"));
		Map<String, Object> overrun = await().atMost(Duration.ofSeconds(30))
			.until(() -> list(timers(), "misuses").stream()
				.filter((misuse) -> "overrun".equals(misuse.get("type")) && JOB.equals(misuse.get("origin")))
				.findFirst()
				.orElse(null), (misuse) -> misuse != null);
		assertThat((String) overrun.get("evidence")).contains("longer than its period of 30 ms");
	}

	private Map<String, Object> timers() throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/actuator/timers"))
			.build();
		HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		return json(response.body());
	}

	private static Map<String, Object> origin(Map<String, Object> timers) {
		return list(timers, "origins").stream().filter((origin) -> JOB.equals(origin.get("origin"))).findFirst()
			.orElse(null);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@EnableScheduling
	@Import(TutorialSchedulingConfigurer.class)
	static class TutorialApplication {

		@Bean
		MisbehavingJobs.OverrunningJob overrunningJob() {
			return new MisbehavingJobs.OverrunningJob();
		}

	}

}
