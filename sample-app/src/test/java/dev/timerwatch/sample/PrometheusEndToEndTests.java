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
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.json.JsonParserFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * The fleet chain against a real Prometheus: it scrapes the running sample app with the
 * shipped alert rules (their 15-minute durations cut to seconds), the leaky ping monitor
 * brings {@code TimerLeak} to firing for the origins the health indicator names, and every
 * query of the Grafana dashboard in {@code ops/grafana/} returns data from the same server.
 * The dashboard's panels, drawn from those answers, are written to
 * {@code target/dashboard-snapshot.html}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "timerwatch.health.sample-interval=200ms", "timerwatch.health.window=2s" })
@DirtiesContext
@TestInstance(Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
class PrometheusEndToEndTests {

	private static final Path RULES = Path.of("../ops/prometheus/timerwatch-rules.yml");

	private static final Path DASHBOARD = Path.of("../ops/grafana/timerwatch-dashboard.json");

	private static final Duration PATIENCE = Duration.ofSeconds(60);

	@Value("${local.server.port}")
	private int port;

	private final HttpClient http = HttpClient.newHttpClient();

	private PrometheusServer prometheus;

	private long startedAt;

	@BeforeAll
	void startPrometheusAndALeak() throws IOException, InterruptedException {
		Optional<Path> binary = PrometheusServer.binary();
		if (binary.isEmpty()) {
			String missing = "No prometheus binary on the PATH (Debian package prometheus)";
			if (System.getenv("CI") != null) {
				fail(missing + ", which CI must have to run this test: .ci/run installs it");
			}
			String message = missing + ": skipping the end-to-end test against a real Prometheus";
			System.err.println("WARNING: " + message);
			Assumptions.abort(message);
		}
		this.prometheus = PrometheusServer.start(binary.get(), "127.0.0.1:" + this.port, "/actuator/prometheus",
				testRules());
		this.startedAt = System.currentTimeMillis() / 1000;
		send("POST", "/scenarios/ping-monitor?variant=leaky");
	}

	@AfterAll
	void stopEverything() throws IOException, InterruptedException {
		if (this.prometheus != null) {
			send("DELETE", "/scenarios/ping-monitor");
			this.prometheus.close();
		}
	}

	/**
	 * The shipped rules with every 15-minute range and duration cut to seconds, so that a
	 * leak fires within the test.
	 */
	private static String testRules() throws IOException {
		String rules = Files.readString(RULES);
		assertThat(rules).as("ranges in the shipped rules").contains("[15m]");
		assertThat(rules).as("durations in the shipped rules").contains("for: 15m");
		return rules.replace("[15m]", "[20s]").replace("for: 15m", "for: 5s");
	}

	@Test
	@Order(1)
	void leakyScenarioBringsTheTimerLeakAlertToFiringForTheOriginsTheHealthIndicatorNames() throws Exception {
		List<Map<String, Object>> firing = await().atMost(PATIENCE)
			.pollInterval(Duration.ofSeconds(1))
			.until(() -> this.prometheus.query("ALERTS{alertname=\"TimerLeak\", alertstate=\"firing\"}"),
					(alerts) -> !alerts.isEmpty());
		assertThat(firing).allSatisfy((alert) -> assertThat(labels(alert))
			.containsEntry("job", "timerwatch-sample")
			.containsEntry("application", "timerwatch-sample")
			.containsEntry("scheduler", "taskScheduler")
			.hasEntrySatisfying("origin", (origin) -> assertThat(origin)
				.startsWith("dev.timerwatch.sample.scenario.PingMonitorScenario.leakyPing(PingMonitorScenario.java:")));
		// The alert is the detector's verdict: the health indicator names the same origins (a
		// leak lasts at least a window, 2 s here, and goes on while the scenario runs).
		List<String> alerted = firing.stream().map((alert) -> labels(alert).get("origin")).toList();
		assertThat(healthLeakingOrigins()).containsAll(alerted);
	}

	@SuppressWarnings("unchecked")
	private List<String> healthLeakingOrigins() throws IOException, InterruptedException {
		Map<String, Object> timers = JsonParserFactory.getJsonParser().parseMap(send("GET", "/actuator/health/timers"));
		assertThat(timers).containsEntry("status", "LEAKING");
		List<Map<String, Object>> leaking = (List<Map<String, Object>>) ((Map<String, Object>) timers.get("details"))
			.get("leaking");
		return leaking.stream().map((origin) -> (String) origin.get("origin")).toList();
	}

	@Test
	@Order(2)
	void everyQueryOfTheDashboardReturnsData() throws IOException {
		Map<String, Object> dashboard = JsonParserFactory.getJsonParser().parseMap(Files.readString(DASHBOARD));
		List<String> expressions = expressions(dashboard);
		assertThat(expressions).as("queries in the dashboard").hasSizeGreaterThanOrEqualTo(7);
		for (String expression : expressions) {
			String promql = allValues(expression);
			assertThat(promql).as("template variables left in %s", expression).doesNotContain("$");
			await().atMost(PATIENCE)
				.pollInterval(Duration.ofSeconds(1))
				.untilAsserted(() -> assertThat(this.prometheus.query(promql)).as("result of %s", promql).isNotEmpty());
		}
		assertThat(this.prometheus.labelValues("timers_pending_tasks", "application")).contains("timerwatch-sample");
		assertThat(this.prometheus.labelValues("timers_pending_tasks{application=~\"timerwatch-sample\"}", "instance"))
			.containsExactly("127.0.0.1:" + this.port);
		assertThat(this.prometheus.labelValues(
				"timers_pending_tasks{application=~\"timerwatch-sample\", instance=~\"127.0.0.1:" + this.port + "\"}",
				"scheduler"))
			.contains("taskScheduler");
		DashboardSnapshot.write(dashboard, this.prometheus, PrometheusEndToEndTests::allValues, this.startedAt,
				System.currentTimeMillis() / 1000, Path.of("target/dashboard-snapshot.html"));
	}

	/**
	 * A dashboard query as Grafana sends it with "All" chosen for every template variable.
	 */
	private static String allValues(String expression) {
		return expression.replace("$application", ".*").replace("$instance", ".*").replace("$scheduler", ".*");
	}

	@SuppressWarnings("unchecked")
	private static List<String> expressions(Map<String, Object> dashboard) {
		List<String> expressions = new ArrayList<>();
		for (Map<String, Object> panel : (List<Map<String, Object>>) dashboard.get("panels")) {
			for (Map<String, Object> target : (List<Map<String, Object>>) panel.get("targets")) {
				expressions.add((String) target.get("expr"));
			}
		}
		return expressions;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, String> labels(Map<String, Object> sample) {
		return (Map<String, String>) sample.get("metric");
	}

	private String send(String method, String path) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.method(method, HttpRequest.BodyPublishers.noBody())
			.build();
		HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as("%s %s", method, path).isEqualTo(200);
		return response.body();
	}

}
