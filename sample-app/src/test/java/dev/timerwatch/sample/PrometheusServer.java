package dev.timerwatch.sample;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.springframework.boot.json.JsonParserFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real Prometheus server, started from the {@code prometheus} binary on the path, on a free
 * loopback port with its own storage in a temporary directory, and stopped with everything it
 * wrote.
 */
final class PrometheusServer implements AutoCloseable {

	private final Path directory;

	private final Process process;

	private final int port;

	private final HttpClient http = HttpClient.newHttpClient();

	private PrometheusServer(Path directory, Process process, int port) {
		this.directory = directory;
		this.process = process;
		this.port = port;
	}

	/**
	 * The {@code prometheus} binary on the path.
	 * @return the binary, or empty if none is installed
	 */
	static Optional<Path> binary() {
		return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
			.filter((entry) -> !entry.isEmpty())
			.map((entry) -> Path.of(entry, "prometheus"))
			.filter(Files::isExecutable)
			.findFirst();
	}

	/**
	 * Start a server that scrapes one target every second and evaluates the given rules every
	 * second, and wait until it is ready.
	 * @param binary the prometheus binary
	 * @param target host and port of the application
	 * @param metricsPath the path to scrape
	 * @param rules the content of the rule file to load
	 * @return the running server
	 */
	static PrometheusServer start(Path binary, String target, String metricsPath, String rules) throws IOException {
		// A free port is only free when it is chosen: another process may take it before
		// Prometheus binds it. A server that gives up on its port is started again on another.
		for (int attempt = 1;; attempt++) {
			PrometheusServer server = launch(binary, target, metricsPath, rules);
			try {
				// Connections are refused until the server listens.
				await().atMost(Duration.ofSeconds(60))
					.pollInterval(Duration.ofMillis(200))
					.ignoreExceptionsInstanceOf(UncheckedIOException.class)
					.until(() -> !server.process.isAlive() || server.get("/-/ready").statusCode() == 200);
				if (server.process.isAlive()) {
					return server;
				}
				String log = server.log();
				assertThat(attempt < 3 && log.contains("address already in use"))
					.as("prometheus is running (log: %s)", log)
					.isTrue();
			}
			catch (RuntimeException | Error ex) {
				server.close();
				throw ex;
			}
			server.close();
		}
	}

	private static PrometheusServer launch(Path binary, String target, String metricsPath, String rules)
			throws IOException {
		Path directory = Files.createTempDirectory("timerwatch-prometheus");
		Files.writeString(directory.resolve("rules.yml"), rules);
		Files.writeString(directory.resolve("prometheus.yml"), """
				global:
				  scrape_interval: 1s
				  evaluation_interval: 1s
				rule_files:
				  - rules.yml
				scrape_configs:
				  - job_name: timerwatch-sample
				    metrics_path: %s
				    static_configs:
				      - targets: ['%s']
				""".formatted(metricsPath, target));
		int port = freePort();
		Process process = new ProcessBuilder(binary.toString(), "--config.file=" + directory.resolve("prometheus.yml"),
				"--storage.tsdb.path=" + directory.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
				"--log.level=warn")
			.redirectErrorStream(true)
			.redirectOutput(directory.resolve("prometheus.log").toFile())
			.start();
		return new PrometheusServer(directory, process, port);
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	/**
	 * Run an instant query.
	 * @param promql the query
	 * @return the result vector (or matrix) of a successful query
	 */
	List<Map<String, Object>> query(String promql) {
		return result(api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)), promql);
	}

	/**
	 * Run a range query.
	 * @param promql the query
	 * @param start first instant, epoch seconds
	 * @param end last instant, epoch seconds
	 * @param stepSeconds resolution
	 * @return the result matrix of a successful query
	 */
	List<Map<String, Object>> queryRange(String promql, long start, long end, int stepSeconds) {
		return result(api("/api/v1/query_range?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8) + "&start="
				+ start + "&end=" + end + "&step=" + stepSeconds), promql);
	}

	/**
	 * The values of a label among the series that match a selector, as Grafana's
	 * {@code label_values(selector, label)} asks for them.
	 * @param selector the series selector
	 * @param label the label
	 * @return the values
	 */
	@SuppressWarnings("unchecked")
	List<String> labelValues(String selector, String label) {
		Map<String, Object> body = api("/api/v1/label/" + label + "/values?match[]="
				+ URLEncoder.encode(selector, StandardCharsets.UTF_8));
		assertThat(body).as("label values of %s for %s", label, selector).containsEntry("status", "success");
		return (List<String>) body.get("data");
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> result(Map<String, Object> body, String promql) {
		assertThat(body).as("answer to %s", promql).containsEntry("status", "success");
		return (List<Map<String, Object>>) ((Map<String, Object>) body.get("data")).get("result");
	}

	private Map<String, Object> api(String pathAndQuery) {
		HttpResponse<String> response = get(pathAndQuery);
		return JsonParserFactory.getJsonParser().parseMap(response.body());
	}

	private HttpResponse<String> get(String pathAndQuery) {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + pathAndQuery))
			.timeout(Duration.ofSeconds(10))
			.build();
		try {
			return this.http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	String log() {
		try {
			return Files.readString(this.directory.resolve("prometheus.log"));
		}
		catch (IOException ex) {
			return "(no log: " + ex + ")";
		}
	}

	@Override
	public void close() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.process.destroyForcibly();
		}
		try (Stream<Path> files = Files.walk(this.directory)) {
			files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
		}
		catch (IOException ex) {
			// A temporary directory left behind is not worth failing the build for.
		}
	}

}
