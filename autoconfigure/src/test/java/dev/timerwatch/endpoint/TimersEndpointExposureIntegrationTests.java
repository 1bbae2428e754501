package dev.timerwatch.endpoint;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With no exposure configured, the endpoint stays off the web, as every actuator endpoint
 * but health does.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class TimersEndpointExposureIntegrationTests {

	// One client for every request: a client per request leaves its selector thread behind
	// until it is collected, which timerwatch rightly reports as a leak.
	private static final HttpClient http = HttpClient.newHttpClient();

	@Value("${local.server.port}")
	private int port;

	@Test
	void timersIsNotOnTheWebUnlessExposed() throws Exception {
		assertThat(status("/actuator/timers")).isEqualTo(404);
		assertThat(status("/actuator/health")).isEqualTo(200);
	}

	private int status(String path) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path)).build();
		return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

	}

}
