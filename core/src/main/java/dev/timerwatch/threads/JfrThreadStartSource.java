package dev.timerwatch.threads;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import jdk.jfr.FlightRecorder;
import jdk.jfr.Recording;
import jdk.jfr.RecordingState;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingStream;

import org.jspecify.annotations.Nullable;

/**
 * Thread starts and ends from an in-process JDK Flight Recorder stream of
 * {@code jdk.ThreadStart} (with its stack trace) and {@code jdk.ThreadEnd}: no agent and no
 * JVM flag. Events arrive about a second after the fact, when the recorder flushes; each
 * start carries its own time, which is what counts it, not its delivery. No public API of the
 * JDK flushes a stream more often: {@code Recording.setFlushInterval} is package-private (JDK
 * 17), and the {@code flush-interval} option belongs to {@code JFR.start} ({@code jcmd},
 * {@code -XX:StartFlightRecording}), not to the recording options of
 * {@code FlightRecorderMXBean}.
 *
 * <p>The recording keeps at most a minute and 16 MB of events on disk, in the JVM's JFR
 * repository (the temporary directory unless {@code -XX:FlightRecorderOptions} says
 * otherwise); only thread events are enabled. Its events are read on a daemon thread,
 * {@code timerwatch-thread-origins}, so that it never keeps the JVM from exiting.
 */
final class JfrThreadStartSource implements ThreadStartSource {

	private static final long MAX_DISK_BYTES = 16L * 1024 * 1024;

	private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

	// Names an event no JVM has, enabled in each of our recordings so that start() can tell its
	// own among the recorder's: a recording someone else starts meanwhile must not pass for it.
	private static final String MARKER_PREFIX = "dev.timerwatch.ThreadOrigins.";

	private static final AtomicLong markers = new AtomicLong();

	private volatile @Nullable RecordingStream stream;

	private volatile boolean closing;

	@Override
	public void start(Listener listener) throws Exception {
		RecordingStream stream = new RecordingStream();
		AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();
		// Why the reader ended, once it has, and whether the listener was told: once only.
		AtomicReference<@Nullable String> endedFor = new AtomicReference<>();
		AtomicBoolean told = new AtomicBoolean();
		try {
			// Unique across class loaders too: two applications in one JVM record apart.
			String marker = MARKER_PREFIX + UUID.randomUUID() + "." + markers.incrementAndGet();
			stream.enable(marker);
			stream.enable("jdk.ThreadStart").withStackTrace();
			stream.enable("jdk.ThreadEnd");
			stream.setMaxAge(Duration.ofMinutes(1));
			stream.setMaxSize(MAX_DISK_BYTES);
			stream.onEvent("jdk.ThreadStart", (event) -> started(event, listener));
			stream.onEvent("jdk.ThreadEnd", (event) -> ended(event, listener));
			stream.onFlush(listener::flushed);
			// startAsync would read on a thread that is not a daemon and keep the JVM from
			// exiting; start() blocks, so it runs on a daemon thread of ours instead.
			Thread reader = new Thread(() -> {
				String reason;
				try {
					// Returns when the stream is closed, ours or not: a recording stopped from
					// outside ends it as quietly as our own close does.
					stream.start();
					reason = "its recording was stopped or closed outside timerwatch";
				}
				catch (Throwable ex) {
					failure.set(ex);
					reason = "reading its recording failed: " + ex;
				}
				endedFor.set(reason);
				// Told only of a stream that ran, and that its owner did not close; start()
				// tells of one that ended before start() could call it running.
				if (this.stream == stream) {
					tellStopped(listener, reason, told);
				}
			}, "timerwatch-thread-origins");
			reader.setDaemon(true);
			reader.start();
			awaitRunning(marker + "#enabled", failure, START_TIMEOUT);
		}
		catch (Exception | Error ex) {
			stream.close();
			throw ex;
		}
		this.stream = stream;
		String ended = endedFor.get();
		if (ended != null) {
			tellStopped(listener, ended, told);
		}
	}

	private void tellStopped(Listener listener, String reason, AtomicBoolean told) {
		if (!this.closing && told.compareAndSet(false, true)) {
			listener.stopped(reason);
		}
	}

	/**
	 * Wait until the recording that carries the given setting runs: threads started after
	 * that are seen. Another recording, which the application or a tool may start at the same
	 * moment, does not count.
	 * @param markerSetting the setting only the awaited recording has
	 * @param failure where the reading thread puts what made the stream fail
	 * @param timeout how long to wait
	 */
	static void awaitRunning(String markerSetting, AtomicReference<@Nullable Throwable> failure, Duration timeout)
			throws Exception {
		long deadline = System.nanoTime() + timeout.toNanos();
		for (;;) {
			Throwable thrown = failure.get();
			if (thrown != null) {
				throw new IllegalStateException("the recording stream failed to start", thrown);
			}
			for (Recording recording : FlightRecorder.getFlightRecorder().getRecordings()) {
				if (recording.getState() == RecordingState.RUNNING
						&& recording.getSettings().containsKey(markerSetting)) {
					return;
				}
			}
			if (System.nanoTime() - deadline >= 0) {
				throw new IllegalStateException("the recording did not start within " + timeout);
			}
			Thread.sleep(5);
		}
	}

	private static void started(RecordedEvent event, Listener listener) {
		RecordedThread thread = event.getThread("thread");
		if (thread == null || thread.getJavaThreadId() < 0) {
			return;
		}
		String name = (thread.getJavaName() != null) ? thread.getJavaName() : "";
		listener.started(thread.getJavaThreadId(), name, frames(event.getStackTrace()),
				event.getStartTime().toEpochMilli());
	}

	private static void ended(RecordedEvent event, Listener listener) {
		RecordedThread thread = event.getThread("thread");
		if (thread != null && thread.getJavaThreadId() >= 0) {
			listener.ended(thread.getJavaThreadId());
		}
	}

	private static StackTraceElement[] frames(@Nullable RecordedStackTrace stackTrace) {
		if (stackTrace == null) {
			return new StackTraceElement[0];
		}
		List<RecordedFrame> frames = stackTrace.getFrames();
		List<StackTraceElement> result = new ArrayList<>(frames.size());
		for (RecordedFrame frame : frames) {
			RecordedMethod method = frame.getMethod();
			if (method == null || method.isHidden()) {
				// The JDK's own stack traces leave out hidden frames (lambda forms, a lambda's
				// class): so does a thread's start stack.
				continue;
			}
			String className = method.getType().getName();
			result.add(new StackTraceElement(className, method.getName(), sourceFileOf(className),
					frame.getLineNumber()));
		}
		return result.toArray(new StackTraceElement[0]);
	}

	/**
	 * The source file of a class by the Java convention (a recording names no files): the
	 * outermost class's simple name, {@code Outer.java} for {@code com.example.Outer$Inner} and
	 * for a lambda's hidden class {@code com.example.Outer$$Lambda$14/0x...}.
	 * @param className a binary class name
	 * @return the file name
	 */
	static String sourceFileOf(String className) {
		int nested = className.indexOf('$');
		String outer = (nested > 0) ? className.substring(0, nested) : className;
		return outer.substring(outer.lastIndexOf('.') + 1) + ".java";
	}

	@Override
	public void close() {
		this.closing = true;
		RecordingStream stream = this.stream;
		if (stream != null) {
			stream.close();
		}
	}

}
