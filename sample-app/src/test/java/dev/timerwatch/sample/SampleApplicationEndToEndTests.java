package dev.timerwatch.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.timerwatch.test.VerifyNoTimerLeaks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.json.JsonParserFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole chain on the running sample: each leaky scenario turns the aggregate health
 * status and names its own line; each fixed scenario, and the healthy churn, keeps health UP.
 * Windows are shortened to two seconds.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "timerwatch.health.sample-interval=200ms", "timerwatch.health.window=2s" })
class SampleApplicationEndToEndTests {

	private static final Duration WINDOW = Duration.ofSeconds(2);

	private static final Path SCENARIOS = Path.of("src/main/java/dev/timerwatch/sample/scenario");

	@Value("${local.server.port}")
	private int port;

	// One client for every test: each client starts a selector thread that lives until the
	// client is collected, a leak @VerifyNoTimerLeaks reports.
	private static final HttpClient http = HttpClient.newHttpClient();

	private String running;

	@AfterEach
	void stopAndWaitForRecovery() {
		if (this.running != null) {
			send("DELETE", "/scenarios/" + this.running, 200);
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> "UP".equals(health().get("status")));
	}

	static Stream<Arguments> leaks() {
		return Stream.of(Arguments.of("ping-monitor", "PingMonitorScenario"),
				Arguments.of("heartbeat-loop", "HeartbeatScenario"), Arguments.of("broadcast", "BroadcastScenario"),
				Arguments.of("per-item-ticker", "PerItemTickerScenario"),
				Arguments.of("polling-read-loop", "PollingReadLoopScenario"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("leaks")
	void aLeakyScenarioTurnsHealthWithinAFewWindowsAndNamesItsLine(String scenario, String className)
			throws IOException {
		List<String> leakLines = leakLines(className);
		start(scenario, "leaky");
		// That a leak is found within two windows is measured on a simulated clock
		// (LeakDetectorTests); on a busy machine the scenario and the sampler run late. Ten of
		// this test's windows are still short of one window of the application's own settings.
		await().atMost(WINDOW.multipliedBy(10))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> "LEAKING".equals(health().get("status")));
		List<Map<String, Object>> leaking = list(map(map(health(), "components"), "timers").get("details"), "leaking");
		assertThat(leaking).isNotEmpty()
			.allSatisfy((leak) -> assertThat((String) leak.get("origin")).isIn(leakLines));
		// Earlier scenarios of this context leave their leaked tasks pending (flat now), so the
		// top origin is the top growing one.
		Map<String, Object> top = list(json(send("GET", "/actuator/timers", 200)), "origins").stream()
			.filter((origin) -> "growing".equals(origin.get("trend")))
			.findFirst()
			.orElseThrow();
		assertThat((String) top.get("origin")).isIn(leakLines);
		assertThat(send("GET", "/actuator/prometheus", 200).lines())
			.anySatisfy((line) -> assertThat(line).startsWith("timers_pending_tasks{")
				.contains("origin=\"" + leakLines.get(0) + "\""));
	}

	// Checked after the scenario is stopped: a fixed variant must leave nothing pending. The
	// churn's last timeouts fire within a second; the grace period is generous for a busy CI.
	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "ping-monitor", "heartbeat-loop", "broadcast", "per-item-ticker", "polling-read-loop",
			"healthy-churn" })
	@VerifyNoTimerLeaks(gracePeriod = "10s")
	void aFixedScenarioKeepsHealthUpAndPendingFlat(String scenario) throws InterruptedException {
		start(scenario, "fixed");
		long until = System.nanoTime() + WINDOW.multipliedBy(3).toNanos();
		while (System.nanoTime() < until) {
			assertThat(health().get("status")).as("health while %s runs fixed", scenario).isEqualTo("UP");
			Thread.sleep(200);
		}
		List<Map<String, Object>> origins = list(json(send("GET", "/actuator/timers", 200)), "origins");
		assertThat(origins).noneSatisfy((origin) -> assertThat(origin.get("trend")).isEqualTo("growing"));
		assertThat(origins).as("the fixed code follows timerwatch's own advice")
			.noneSatisfy((origin) -> assertThat(origin.get("flags")).asString().contains("retained-cancelled"));
	}

	private void start(String scenario, String variant) {
		Map<String, Object> started = json(send("POST", "/scenarios/" + scenario + "?variant=" + variant, 200));
		assertThat(started).containsEntry("running", true).containsEntry("variant", variant);
		this.running = scenario;
	}

	/**
	 * The origins of the lines marked {@code // leak} in a scenario's source, as timerwatch
	 * prints them.
	 */
	private static List<String> leakLines(String className) throws IOException {
		List<String> source = Files.readAllLines(SCENARIOS.resolve(className + ".java"));
		List<String> origins = new ArrayList<>();
		String method = null;
		for (int i = 0; i < source.size(); i++) {
			String line = source.get(i);
			java.util.regex.Matcher declaration = java.util.regex.Pattern
				.compile("^\\t(?:public |protected |private )?(?:[\\w<>?]+ )+(\\w+)\\(.*\\) \\{$")
				.matcher(line);
			if (declaration.matches()) {
				method = declaration.group(1);
			}
			if (line.endsWith("// leak")) {
				origins.add("dev.timerwatch.sample.scenario." + className + "." + method + "(" + className + ".java:"
						+ (i + 1) + ")");
			}
		}
		assertThat(origins).as("lines marked // leak in %s", className).isNotEmpty();
		return origins;
	}

	private Map<String, Object> health() {
		HttpResponse<String> response = exchange("GET", "/actuator/health");
		assertThat(response.statusCode()).as("a leak keeps HTTP 200").isEqualTo(200);
		return json(response.body());
	}

	private String send(String method, String path, int expectedStatus) {
		HttpResponse<String> response = exchange(method, path);
		assertThat(response.statusCode()).as("%s %s", method, path).isEqualTo(expectedStatus);
		return response.body();
	}

	private HttpResponse<String> exchange(String method, String path) {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.method(method, HttpRequest.BodyPublishers.noBody())
			.build();
		try {
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

	private static Map<String, Object> json(String body) {
		return JsonParserFactory.getJsonParser().parseMap(body);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> map(Object json, String key) {
		return (Map<String, Object>) ((Map<String, Object>) json).get(key);
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> list(Object json, String key) {
		return (List<Map<String, Object>>) ((Map<String, Object>) json).get(key);
	}

}
