package dev.timerwatch.threads;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A JVM told to exit while a thread tracker's recording starts, and never finishes starting,
 * exits: the tracker's close, on a shutdown hook, does not wait for that start, nor close
 * another tracker's recording on the hook's thread (closing takes the lock the hung start
 * holds). Each case runs in a JVM of its own.
 */
class ShutdownDuringRecordingStartTests {

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "one", "two" })
	void theJvmExitsWhileARecordingStartHangs(String trackers) throws Exception {
		Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
				System.getProperty("java.class.path"), ShutdownDuringRecordingStart.class.getName(), trackers)
			.redirectErrorStream(true)
			.start();
		boolean exited = child.waitFor(30, TimeUnit.SECONDS);
		String output = exited ? read(child) : "";
		if (!exited) {
			child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
		assertThat(exited).as("the JVM exited within 30 s").isTrue();
		assertThat(output).contains("closed");
		assertThat(child.exitValue()).isZero();
	}

	private static String read(Process child) throws IOException {
		return new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
	}

}
