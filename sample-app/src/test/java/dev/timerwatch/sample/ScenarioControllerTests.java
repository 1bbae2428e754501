package dev.timerwatch.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.timerwatch.test.VerifyNoTimerLeaks;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@VerifyNoTimerLeaks
class ScenarioControllerTests {

	// One client for every test: each client starts a selector thread that lives until the
	// client is collected, a leak @VerifyNoTimerLeaks reports.
	private static final HttpClient http = HttpClient.newHttpClient();

	@Value("${local.server.port}")
	private int port;

	@Test
	void listsEveryScenario() throws Exception {
		HttpResponse<String> response = send("GET", "/scenarios");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"ping-monitor\"", "\"heartbeat-loop\"", "\"broadcast\"",
				"\"per-item-ticker\"", "\"polling-read-loop\"", "\"healthy-churn\"");
	}

	@Test
	void anUnknownScenarioIsNotFoundAndAnUnknownVariantIsABadRequest() throws Exception {
		assertThat(send("POST", "/scenarios/nope").statusCode()).isEqualTo(404);
		HttpResponse<String> badVariant = send("POST", "/scenarios/broadcast?variant=sloppy");
		assertThat(badVariant.statusCode()).isEqualTo(400);
		assertThat(badVariant.body()).contains("variant must be 'leaky' or 'fixed'");
	}

	@Test
	void workersTheServerStartsForManyRequestsAtOnceAreNotTheTestsLeaks() throws Exception {
		// Forty requests that each hold a worker for a while: Tomcat grows its pool past its ten
		// spare threads, and keeps the new workers for a minute after the test.
		List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
		for (int i = 0; i < 40; i++) {
			HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/test/slow"))
				.build();
			responses.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
		}
		for (CompletableFuture<HttpResponse<String>> response : responses) {
			assertThat(response.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		}
		assertThat(SlowController.mostAtOnce.get()).as("requests served at once").isGreaterThan(10);
	}

	private HttpResponse<String> send(String method, String path) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.method(method, HttpRequest.BodyPublishers.noBody())
			.build();
		return http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class SlowEndpoint {

		@Bean
		SlowController slowController() {
			return new SlowController();
		}

	}

	@RestController
	static class SlowController {

		static final AtomicInteger mostAtOnce = new AtomicInteger();

		private final AtomicInteger atOnce = new AtomicInteger();

		@GetMapping("/test/slow")
		String slow() throws InterruptedException {
			int now = this.atOnce.incrementAndGet();
			mostAtOnce.accumulateAndGet(now, Math::max);
			try {
				Thread.sleep(500);
				return "done";
			}
			finally {
				this.atOnce.decrementAndGet();
			}
		}

	}

}
