package dev.timerwatch.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import dev.timerwatch.test.VerifyNoTimerLeaks;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

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

	private HttpResponse<String> send(String method, String path) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.method(method, HttpRequest.BodyPublishers.noBody())
			.build();
		return http.send(request, HttpResponse.BodyHandlers.ofString());
	}

}
