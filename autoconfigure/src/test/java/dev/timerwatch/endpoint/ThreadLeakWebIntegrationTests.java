package dev.timerwatch.endpoint;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.timerwatch.fixtures.ThreadStarters;
import dev.timerwatch.threads.ThreadLeakTracker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.json.JsonParserFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Threads left behind, over HTTP on a real server: executors and Timers created per call turn
 * health LEAKING, each named to its line; the healthy shapes never do.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=health,timers,prometheus",
				"management.endpoint.health.show-details=always", "timerwatch.health.sample-interval=100ms",
				"timerwatch.health.window=" + ThreadLeakWebIntegrationTests.WINDOW_MILLIS + "ms" })
@ExtendWith(OutputCaptureExtension.class)
class ThreadLeakWebIntegrationTests {

	// One client for every request: a client per request leaves its selector thread behind
	// until it is collected, which timerwatch rightly reports as a leak.
	private static final HttpClient http = HttpClient.newHttpClient();

	static final String EXECUTOR_ORIGIN = origin("executorPerCall", ThreadStarters.EXECUTOR_PER_CALL_LINE);

	static final String TIMER_ORIGIN = origin("timerPerCall", ThreadStarters.TIMER_PER_CALL_LINE);

	static final List<String> HEALTHY_ORIGINS = List.of(origin("threadPerJob", ThreadStarters.THREAD_PER_JOB_LINE),
			origin("fixedPoolJob", ThreadStarters.FIXED_POOL_LINE),
			origin("growingPoolJob", ThreadStarters.GROWING_POOL_LINE));

	// Two seconds: the recorder tells of a thread about a second after it starts. Entries are
	// dated when their thread started, so that second costs nothing once the window is longer.
	static final long WINDOW_MILLIS = 2_000;

	// Generous: the recorder delivers thread starts about a second late, later on a busy machine.
	private static final Duration PATIENCE = Duration.ofSeconds(90);

	@Value("${local.server.port}")
	private int port;

	@Autowired
	private ThreadStarters starters;

	@Autowired
	private ThreadLeakTracker tracker;

	@Test
	void anExecutorAndATimerPerCallTurnHealthLeakingEachNamedToItsLine(CapturedOutput output) throws Exception {
		// The recording starts in the background: the first in a JVM takes a while.
		await().atMost(PATIENCE).until(this.tracker::isRecording);
		// The leak goes on while it is asserted: a leak is over a window after its last new high.
		ScheduledExecutorService calls = Executors.newSingleThreadScheduledExecutor();
		long leakStarted = System.nanoTime();
		try {
			calls.scheduleWithFixedDelay(() -> {
				this.starters.executorPerCall();
				this.starters.timerPerCall();
			}, 0, 100, TimeUnit.MILLISECONDS);
			await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
				Map<String, Object> timers = map(map(json(get("/actuator/health")), "components"), "timers");
				assertThat(timers.get("status")).isEqualTo("LEAKING");
				assertThat(list(map(timers, "details"), "leaking")).extracting((leak) -> leak.get("origin"))
					.contains(EXECUTOR_ORIGIN, TIMER_ORIGIN);
			});
			// Measured, not asserted: a wall-clock bound would fail on a stalled machine.
			long latency = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - leakStarted);
			System.out.printf("THREAD LEAK LATENCY: LEAKING %d ms (%.2f windows) after the first leaked thread started "
					+ "(window %d ms)%n", latency, latency / (double) WINDOW_MILLIS, WINDOW_MILLIS);
			assertThat(json(get("/actuator/health")).get("status")).isEqualTo("LEAKING");
			assertNamedToItsLine(EXECUTOR_ORIGIN, "pool-\\d+-thread-1");
			assertNamedToItsLine(TIMER_ORIGIN, "Timer-\\d+");
			assertThat(output).contains("TIMER LEAK: executors, Timers or threads started at " + EXECUTOR_ORIGIN
					+ " are not shut down")
				.contains("TIMER LEAK: executors, Timers or threads started at " + TIMER_ORIGIN)
				// The endpoint's stacks are not shown here (show-details is never by default).
				.contains("(set management.endpoint.timers.show-details=always for the starting stack)");
			assertThat(get("/actuator/prometheus")).contains("timers_pending_tasks{origin=\"" + EXECUTOR_ORIGIN
					+ "\",scheduler=\"" + ThreadLeakTracker.SCHEDULER + "\"}");
		}
		finally {
			calls.shutdownNow();
			calls.awaitTermination(30, TimeUnit.SECONDS);
			this.starters.shutDownLeaked();
		}
	}

	private void assertNamedToItsLine(String origin, String threadName) {
		Map<String, Object> entry = entry(origin).orElseThrow();
		assertThat(entry.get("scheduler")).isEqualTo(ThreadLeakTracker.SCHEDULER);
		assertThat(entry.get("kinds")).isEqualTo(List.of("thread"));
		assertThat(entry.get("trend")).isEqualTo("growing");
		assertThat(entry.get("flags")).asList().contains("growing");
		assertThat((String) entry.get("hint"))
			.endsWith("create one executor or Timer and reuse it; shut down what you create");
		assertThat(number(entry, "liveThreads")).isPositive();
		assertThat(entry.get("threads")).asList()
			.isNotEmpty()
			.allSatisfy((name) -> assertThat((String) name).matches(threadName));
		Map<String, Object> detail = json(get("/actuator/timers/" + entry.get("id")));
		assertThat(detail.get("threads")).asList().isNotEmpty();
	}

	@Test
	void aThreadPerJobAFixedPoolAndAGrowingPoolNeverAlarm() throws Exception {
		// The recording starts in the background: the first in a JVM takes a while.
		await().atMost(PATIENCE).until(this.tracker::isRecording);
		AtomicInteger ticks = new AtomicInteger();
		ScheduledExecutorService jobs = Executors.newSingleThreadScheduledExecutor();
		List<String> alarms = new ArrayList<>();
		try {
			jobs.scheduleWithFixedDelay(() -> {
				this.starters.threadPerJob();
				this.starters.fixedPoolJob();
				// One more thread every eight ticks until the pool has its eight: growth that lasts
				// longer than the detector needs to see a count of threads rise.
				if (ticks.getAndIncrement() % 8 == 0) {
					this.starters.growingPoolJob();
				}
			}, 0, 50, TimeUnit.MILLISECONDS);
			// Until every healthy origin is judged stable and both pools have their size, then for
			// three windows more, counted in samples: each poll records any alarm on them.
			long[] settledAt = { -1 };
			await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100)).until(() -> {
				alarms.addAll(alarmsOnHealthyOrigins());
				if (!alarms.isEmpty()) {
					return true;
				}
				Map<String, Object> timers = json(get("/actuator/timers?limit=1000"));
				Number sampledAt = (Number) map(timers, "summary").get("sampledAt");
				if (sampledAt == null || !settled(timers)) {
					return false;
				}
				if (settledAt[0] < 0) {
					settledAt[0] = sampledAt.longValue();
				}
				return sampledAt.longValue() - settledAt[0] >= 3 * WINDOW_MILLIS;
			});
			alarms.addAll(alarmsOnHealthyOrigins());
			assertThat(alarms).isEmpty();
			Map<String, Object> timers = json(get("/actuator/timers?limit=1000"));
			assertThat(number(entryIn(timers, HEALTHY_ORIGINS.get(0)).orElseThrow(), "completed")).isGreaterThan(10);
			for (String pool : HEALTHY_ORIGINS.subList(1, 3)) {
				assertThat(number(entryIn(timers, pool).orElseThrow(), "pending")).as("executors at %s", pool)
					.isEqualTo(1);
			}
		}
		finally {
			jobs.shutdownNow();
			jobs.awaitTermination(30, TimeUnit.SECONDS);
		}
	}

	private static boolean settled(Map<String, Object> timers) {
		boolean stable = HEALTHY_ORIGINS.stream()
			.allMatch((origin) -> entryIn(timers, origin).map((entry) -> "stable".equals(entry.get("trend")))
				.orElse(false));
		return stable && number(entryIn(timers, HEALTHY_ORIGINS.get(1)).orElseThrow(), "liveThreads") == 4
				&& number(entryIn(timers, HEALTHY_ORIGINS.get(2)).orElseThrow(), "liveThreads") == 8;
	}

	private List<String> alarmsOnHealthyOrigins() {
		List<String> alarms = new ArrayList<>();
		Map<String, Object> health = map(map(json(get("/actuator/health")), "components"), "timers");
		List<Map<String, Object>> leaking = list(map(health, "details"), "leaking");
		if (leaking != null) {
			leaking.stream()
				.map((leak) -> (String) leak.get("origin"))
				.filter(HEALTHY_ORIGINS::contains)
				.forEach((origin) -> alarms.add("LEAKING in health: " + origin));
		}
		Map<String, Object> timers = json(get("/actuator/timers?limit=1000"));
		for (String origin : HEALTHY_ORIGINS) {
			entryIn(timers, origin).filter((entry) -> "growing".equals(entry.get("trend")))
				.ifPresent((entry) -> alarms.add("growing in the endpoint: " + entry));
		}
		return alarms;
	}

	private Optional<Map<String, Object>> entry(String origin) {
		return entryIn(json(get("/actuator/timers?limit=1000")), origin);
	}

	private static Optional<Map<String, Object>> entryIn(Map<String, Object> timers, String origin) {
		return list(timers, "origins").stream().filter((entry) -> origin.equals(entry.get("origin"))).findFirst();
	}

	private static long number(Map<String, Object> entry, String key) {
		return ((Number) entry.get(key)).longValue();
	}

	private static String origin(String method, int line) {
		return ThreadStarters.class.getName() + "." + method + "(ThreadStarters.java:" + line + ")";
	}

	private String get(String path) {
		try {
			HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path)).build();
			HttpResponse<String> response = http
				.send(request, HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).as("GET %s", path).isEqualTo(200);
			return response.body();
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
	private static Map<String, Object> map(Map<String, Object> json, String key) {
		return (Map<String, Object>) json.get(key);
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> list(Map<String, Object> json, String key) {
		return (List<Map<String, Object>>) json.get(key);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

		@Bean
		ThreadStarters threadStarters() {
			return new ThreadStarters();
		}

	}

}
