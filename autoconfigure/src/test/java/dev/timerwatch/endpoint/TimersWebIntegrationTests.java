package dev.timerwatch.endpoint;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import dev.timerwatch.fixtures.LeakyPinger;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.json.JsonParserFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.annotation.EnableScheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The endpoint, the health status and the Prometheus scrape over HTTP, on a real server.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=health,timers,prometheus",
				"management.endpoint.health.show-details=always", "timerwatch.health.sample-interval=100ms",
				"timerwatch.health.window=1s" })
class TimersWebIntegrationTests {

	// One client for every request: a client per request leaves its selector thread behind
	// until it is collected, which timerwatch rightly reports as a leak.
	private static final HttpClient http = HttpClient.newHttpClient();

	static final String LEAK_ORIGIN = LeakyPinger.class.getName() + ".ping(LeakyPinger.java:" + LeakyPinger.LEAK_LINE
			+ ")";

	@Value("${local.server.port}")
	private int port;

	@Autowired
	private LeakyPinger pinger;

	@Test
	void timersListsTheLeakingCallSiteAndHealthTurnsLeakingThenRecovers() {
		ScheduledFuture<?> first = this.pinger.ping("first");
		Map<String, Object> timers = json(get("/actuator/timers", 200));
		List<Map<String, Object>> origins = list(timers, "origins");
		assertThat(origins).anySatisfy((origin) -> {
			assertThat(origin.get("origin")).isEqualTo(LEAK_ORIGIN);
			assertThat(origin.get("scheduler")).isEqualTo("taskScheduler");
			assertThat(origin.get("kinds")).isEqualTo(List.of("fixed-rate"));
		});
		assertThat(map(timers, "summary").get("schedulers")).asList().isNotEmpty();
		// The leak goes on while the leaking state is asserted: a leak is over about a window
		// after its last task, and a slow machine could take that long between two requests.
		ScheduledExecutorService leak = Executors.newSingleThreadScheduledExecutor();
		try {
			leak.scheduleWithFixedDelay(() -> this.pinger.ping("host"), 0, 20, TimeUnit.MILLISECONDS);
			await().atMost(Duration.ofSeconds(30))
				.pollInterval(Duration.ofMillis(20))
				.until(() -> {
					HttpResponse<String> health = send("/actuator/health");
					return health.statusCode() == 200 && "LEAKING".equals(json(health.body()).get("status"));
				});
			assertLeaking();
		}
		finally {
			leak.shutdownNow();
		}
		first.cancel(false);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> "UP".equals(json(get("/actuator/health", 200)).get("status")));
	}

	private void assertLeaking() {
		Map<String, Object> health = json(get("/actuator/health", 200));
		Map<String, Object> timersHealth = map(map(health, "components"), "timers");
		assertThat(timersHealth.get("status")).isEqualTo("LEAKING");
		assertThat(list(map(timersHealth, "details"), "leaking")).singleElement()
			.satisfies((leak) -> assertThat(leak.get("origin")).isEqualTo(LEAK_ORIGIN));
		Map<String, Object> leaking = list(json(get("/actuator/timers", 200)), "origins").stream()
			.filter((origin) -> LEAK_ORIGIN.equals(origin.get("origin")))
			.findFirst()
			.orElseThrow();
		assertThat(leaking.get("trend")).isEqualTo("growing");
		assertThat(leaking.get("flags")).asList().contains("growing");
		assertThat((String) leaking.get("hint")).startsWith("periodic task never cancelled");
		Map<String, Object> detail = json(get("/actuator/timers/" + leaking.get("id"), 200));
		assertThat(list(detail, "history")).isNotEmpty();
		assertThat(detail.get("creationStack")).isNull();
	}

	@Test
	void anUnknownOriginIsNotFound() {
		get("/actuator/timers/0000000000", 404);
	}

	@Test
	void malformedOrOutOfRangeParametersAreBadRequests() {
		get("/actuator/timers?limit=abc", 400);
		get("/actuator/timers?limit=0", 400);
		get("/actuator/timers?limit=100000", 400);
		get("/actuator/timers?minPending=-3", 400);
		assertThat(list(json(get("/actuator/timers?limit=1", 200)), "origins")).hasSizeLessThanOrEqualTo(1);
	}

	@Test
	void prometheusScrapeCarriesTheMetersWithTheirTags() {
		this.pinger.ping("scraped");
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			String scrape = get("/actuator/prometheus", 200);
			assertThat(scrape).contains("# HELP timers_pending_tasks Tasks waiting for their next run")
				.contains("timers_pending_tasks{origin=\"" + LEAK_ORIGIN + "\",scheduler=\"taskScheduler\"}")
				.contains("timers_scheduled_tasks_total{origin=\"" + LEAK_ORIGIN + "\",scheduler=\"taskScheduler\"}")
				.contains("timers_retained_cancelled_tasks{scheduler=\"taskScheduler\"}")
				.contains("timers_execution_seconds_count{origin=\"" + LEAK_ORIGIN + "\",scheduler=\"taskScheduler\"}")
				.contains("timers_misuse_findings_total{type=\"hot-loop\"} 0.0");
		});
	}

	private String get(String path, int expectedStatus) {
		HttpResponse<String> response = send(path);
		assertThat(response.statusCode()).as("GET %s", path).isEqualTo(expectedStatus);
		return response.body();
	}

	private HttpResponse<String> send(String path) {
		try {
			HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path)).build();
			return http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	static Map<String, Object> json(String body) {
		return JsonParserFactory.getJsonParser().parseMap(body);
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> map(Map<String, Object> json, String key) {
		return (Map<String, Object>) json.get(key);
	}

	@SuppressWarnings("unchecked")
	static List<Map<String, Object>> list(Map<String, Object> json, String key) {
		return (List<Map<String, Object>>) json.get(key);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@EnableScheduling
	static class TestApplication {

		@Bean
		LeakyPinger leakyPinger(TaskScheduler scheduler) {
			return new LeakyPinger(scheduler);
		}

	}

}
