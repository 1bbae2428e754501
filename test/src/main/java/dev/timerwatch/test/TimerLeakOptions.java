package dev.timerwatch.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

import dev.timerwatch.tracking.TaskOrigin;
import dev.timerwatch.tracking.TimerRegistry;

/**
 * What a leak check looks at and what it ignores. Immutable: each {@code with...} method
 * returns a copy.
 *
 * <p>{@link #fromProperties()} starts from {@code timerwatch-test.properties} at the root of
 * the class path, if there is one, and then from system properties of the same names:
 * <pre>
 * timerwatch.test.ignore-origins=com.example.legacy, com.example.Poller
 * timerwatch.test.ignore-thread-names=OkHttp .*, grpc-default-executor-.*
 * timerwatch.test.grace-period=2s
 * timerwatch.test.tasks=true
 * timerwatch.test.threads=true
 * timerwatch.test.thread-origins=true
 * </pre>
 */
public final class TimerLeakOptions {

	/** The resource read by {@link #fromProperties()}. */
	public static final String PROPERTIES_RESOURCE = "timerwatch-test.properties";

	/**
	 * Threads the JVM, the test runner and the JDK's shared pools start on demand and keep:
	 * not a test's leak, whoever happened to need them first. A {@code java.net.http.HttpClient}'s
	 * workers are among them: its pool grows on demand and they end after a minute idle; a
	 * client left behind is still reported, by its {@code SelectorManager} thread, at the line
	 * that created it. So are the threads of the JDK's virtual threads: those that wake parked
	 * ones ({@code VirtualThread-unparker} on Java 21, {@code VirtualThread-unblocker} later),
	 * here by name, and those of their scheduler's pool, which are ignored by their thread
	 * group ({@code CarrierThreads}) whatever they are named ({@code ForkJoinPool-1-worker-1},
	 * as a pool of the application's may be named). So are Reactor's shared schedulers
	 * ({@code Schedulers.parallel()}, {@code single()}, {@code boundedElastic()}) and the shared
	 * event loops of Reactor Netty and WebFlux, by their default names: a scheduler or a loop
	 * created per call has a name of its own, and is reported. So are the workers of an
	 * embedded server's pool (Tomcat's {@code http-nio-8080-exec-N}, Jetty's {@code qtpN-M},
	 * Undertow's {@code XNIO-N task-M}): the pool belongs to the test's context, grows when
	 * requests arrive at once and ends its extra workers after a minute idle. So is timerwatch's
	 * sampler, started by a context that a test's {@code @DirtiesContext} replaces.
	 */
	public static final List<String> DEFAULT_IGNORED_THREAD_NAMES = List.of("ForkJoinPool\\.commonPool-worker-\\d+",
			"Common-Cleaner", "process reaper", "Keep-Alive-Timer", "Keep-Alive-SocketCleaner", "Attach Listener",
			"JFR .*", "timerwatch-thread-origins(-start)?", "junit-timeout-thread-\\d+", "surefire-forkedjvm-.*",
			"RMI .*", "Java2D .*", "AWT-.*", "HttpClient-\\d+-Worker-\\d+", "VirtualThread-unparker",
			"VirtualThread-unblocker", "parallel-\\d+", "single-\\d+", "boundedElastic-(evictor-)?\\d+",
			"reactor-http-(nio|epoll|kqueue|uring)-\\d+", "webflux-http-(nio|epoll|kqueue|uring)-\\d+",
			"(http|https|ajp|h2c)(-[a-z]+)?-nio2?-.+-exec-\\d+", "qtp\\d+-\\d+", "XNIO-\\d+ task-\\d+",
			"timerwatch-sampler");

	private static final String PREFIX = "timerwatch.test.";

	private static final Duration DEFAULT_GRACE_PERIOD = Duration.ofSeconds(1);

	private final List<String> ignoredOrigins;

	private final List<Pattern> ignoredThreadNames;

	private final Duration gracePeriod;

	private final boolean tasks;

	private final boolean threads;

	private final boolean threadOrigins;

	private final List<TimerRegistry> registries;

	private TimerLeakOptions(List<String> ignoredOrigins, List<Pattern> ignoredThreadNames, Duration gracePeriod,
			boolean tasks, boolean threads, boolean threadOrigins, List<TimerRegistry> registries) {
		this.ignoredOrigins = List.copyOf(ignoredOrigins);
		this.ignoredThreadNames = List.copyOf(ignoredThreadNames);
		this.gracePeriod = gracePeriod;
		this.tasks = tasks;
		this.threads = threads;
		this.threadOrigins = threadOrigins;
		this.registries = List.copyOf(registries);
	}

	/**
	 * The built-in options, ignoring no file: tasks and threads checked, a one-second grace
	 * period, the {@link #DEFAULT_IGNORED_THREAD_NAMES} ignored, no registry.
	 * @return the defaults
	 */
	public static TimerLeakOptions defaults() {
		return new TimerLeakOptions(List.of(), compile(DEFAULT_IGNORED_THREAD_NAMES), DEFAULT_GRACE_PERIOD, true,
				true, true, List.of());
	}

	/**
	 * The defaults, then {@code timerwatch-test.properties} on the class path, then system
	 * properties.
	 * @return the options
	 * @throws IllegalArgumentException if a value is invalid, naming the property
	 */
	public static TimerLeakOptions fromProperties() {
		Properties properties = new Properties();
		ClassLoader loader = Thread.currentThread().getContextClassLoader();
		try (InputStream in = (loader != null) ? loader.getResourceAsStream(PROPERTIES_RESOURCE)
				: ClassLoader.getSystemResourceAsStream(PROPERTIES_RESOURCE)) {
			if (in != null) {
				properties.load(in);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + PROPERTIES_RESOURCE, ex);
		}
		System.getProperties().stringPropertyNames()
			.stream()
			.filter((name) -> name.startsWith(PREFIX))
			.forEach((name) -> properties.setProperty(name, System.getProperty(name)));
		return defaults().with(properties);
	}

	/**
	 * These options with the given properties applied; ignores add up, other values replace.
	 * @param properties keys as in {@code timerwatch-test.properties}
	 * @return the options
	 */
	public TimerLeakOptions with(Properties properties) {
		TimerLeakOptions result = this;
		String origins = properties.getProperty(PREFIX + "ignore-origins");
		if (origins != null) {
			result = result.withIgnoredOrigins(split(origins));
		}
		String names = properties.getProperty(PREFIX + "ignore-thread-names");
		if (names != null) {
			result = result.withIgnoredThreadPatterns(compile(PREFIX + "ignore-thread-names", splitPatterns(names)));
		}
		String grace = properties.getProperty(PREFIX + "grace-period");
		if (grace != null) {
			result = result.withGracePeriod(parseDuration(PREFIX + "grace-period", grace));
		}
		result = result.withTasks(flag(properties, "tasks", result.tasks))
			.withThreads(flag(properties, "threads", result.threads))
			.withThreadOrigins(flag(properties, "thread-origins", result.threadOrigins));
		return result;
	}

	/**
	 * Ignore leaks created by these classes or packages (goleak's {@code IgnoreCreatedBy}).
	 * @param classesOrPackages class names or package names, added to those ignored already
	 * @return the options
	 */
	public TimerLeakOptions withIgnoredOrigins(String... classesOrPackages) {
		return withIgnoredOrigins(Arrays.asList(classesOrPackages));
	}

	/**
	 * Ignore leaks created by these classes or packages (goleak's {@code IgnoreCreatedBy}).
	 * @param classesOrPackages class names or package names, added to those ignored already
	 * @return the options
	 */
	public TimerLeakOptions withIgnoredOrigins(Collection<String> classesOrPackages) {
		List<String> origins = new ArrayList<>(this.ignoredOrigins);
		classesOrPackages.stream().map(String::trim).filter((name) -> !name.isEmpty()).forEach(origins::add);
		return new TimerLeakOptions(origins, this.ignoredThreadNames, this.gracePeriod, this.tasks, this.threads,
				this.threadOrigins, this.registries);
	}

	/**
	 * Ignore threads whose whole name matches one of these regular expressions.
	 * @param patterns the patterns, added to those ignored already
	 * @return the options
	 */
	public TimerLeakOptions withIgnoredThreadNames(String... patterns) {
		return withIgnoredThreadNames(Arrays.asList(patterns));
	}

	/**
	 * Ignore threads whose whole name matches one of these regular expressions.
	 * @param patterns the patterns, added to those ignored already
	 * @return the options
	 */
	public TimerLeakOptions withIgnoredThreadNames(Collection<String> patterns) {
		return withIgnoredThreadPatterns(compile(patterns));
	}

	TimerLeakOptions withIgnoredThreadPatterns(Collection<Pattern> patterns) {
		if (patterns.isEmpty()) {
			return this;
		}
		List<Pattern> names = new ArrayList<>(this.ignoredThreadNames);
		names.addAll(patterns);
		return new TimerLeakOptions(this.ignoredOrigins, names, this.gracePeriod, this.tasks, this.threads,
				this.threadOrigins, this.registries);
	}

	/**
	 * How long to retry, with a short back-off, before reporting leaks.
	 * @param gracePeriod not negative
	 * @return the options
	 */
	public TimerLeakOptions withGracePeriod(Duration gracePeriod) {
		if (gracePeriod.isNegative()) {
			throw new IllegalArgumentException("gracePeriod must not be negative, was " + gracePeriod);
		}
		return new TimerLeakOptions(this.ignoredOrigins, this.ignoredThreadNames, gracePeriod, this.tasks,
				this.threads, this.threadOrigins, this.registries);
	}

	/**
	 * Whether to check the tasks of the {@link #withRegistries registries}.
	 * @param tasks whether to
	 * @return the options
	 */
	public TimerLeakOptions withTasks(boolean tasks) {
		return new TimerLeakOptions(this.ignoredOrigins, this.ignoredThreadNames, this.gracePeriod, tasks,
				this.threads, this.threadOrigins, this.registries);
	}

	/**
	 * Whether to check threads started during the check.
	 * @param threads whether to
	 * @return the options
	 */
	public TimerLeakOptions withThreads(boolean threads) {
		return new TimerLeakOptions(this.ignoredOrigins, this.ignoredThreadNames, this.gracePeriod, this.tasks,
				threads, this.threadOrigins, this.registries);
	}

	/**
	 * Whether to record where threads start with the JDK Flight Recorder, to name the line of a
	 * leaked thread. Without it, leaked threads are named by their name only.
	 * @param threadOrigins whether to
	 * @return the options
	 */
	public TimerLeakOptions withThreadOrigins(boolean threadOrigins) {
		return new TimerLeakOptions(this.ignoredOrigins, this.ignoredThreadNames, this.gracePeriod, this.tasks,
				this.threads, threadOrigins, this.registries);
	}

	/**
	 * Check the tasks of these registries (a Spring test's come from its application context).
	 * @param registries the registries, added to those checked already
	 * @return the options
	 */
	public TimerLeakOptions withRegistries(TimerRegistry... registries) {
		return withRegistries(Arrays.asList(registries));
	}

	/**
	 * Check the tasks of these registries (a Spring test's come from its application context).
	 * @param registries the registries, added to those checked already
	 * @return the options
	 */
	public TimerLeakOptions withRegistries(Collection<TimerRegistry> registries) {
		List<TimerRegistry> all = new ArrayList<>(this.registries);
		registries.stream().filter((registry) -> !all.contains(registry)).forEach(all::add);
		return new TimerLeakOptions(this.ignoredOrigins, this.ignoredThreadNames, this.gracePeriod, this.tasks,
				this.threads, this.threadOrigins, all);
	}

	public List<String> ignoredOrigins() {
		return this.ignoredOrigins;
	}

	public List<Pattern> ignoredThreadNames() {
		return this.ignoredThreadNames;
	}

	public Duration gracePeriod() {
		return this.gracePeriod;
	}

	public boolean tasks() {
		return this.tasks;
	}

	public boolean threads() {
		return this.threads;
	}

	public boolean threadOrigins() {
		return this.threadOrigins;
	}

	public List<TimerRegistry> registries() {
		return this.registries;
	}

	/**
	 * Whether leaks from this origin are ignored: its class is, or is nested in, an ignored
	 * class, or is in an ignored package.
	 * @param origin the origin
	 * @return whether to ignore it
	 */
	boolean ignores(TaskOrigin origin) {
		String className = origin.getClassName();
		for (String ignored : this.ignoredOrigins) {
			if (className.equals(ignored) || className.startsWith(ignored.endsWith(".") ? ignored : ignored + ".")
					|| className.startsWith(ignored + "$")) {
				return true;
			}
		}
		return false;
	}

	boolean ignoresThreadNamed(String name) {
		for (Pattern pattern : this.ignoredThreadNames) {
			if (pattern.matcher(name).matches()) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Parse a duration as written in an annotation or a properties file: {@code 500ms},
	 * {@code 2s}, {@code 1m}, a number of milliseconds, or ISO-8601 ({@code PT2S}).
	 * @param name the setting's name, for the message
	 * @param text the value
	 * @return the duration
	 */
	static Duration parseDuration(String name, String text) {
		String value = text.trim().toLowerCase(Locale.ROOT);
		try {
			if (value.startsWith("pt")) {
				return Duration.parse(value);
			}
			if (value.endsWith("ms")) {
				return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2).trim()));
			}
			if (value.endsWith("s")) {
				return Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1).trim()));
			}
			if (value.endsWith("m")) {
				return Duration.ofMinutes(Long.parseLong(value.substring(0, value.length() - 1).trim()));
			}
			return Duration.ofMillis(Long.parseLong(value));
		}
		catch (RuntimeException ex) {
			throw new IllegalArgumentException(
					name + " must be a duration such as 500ms or 2s, was '" + text + "'", ex);
		}
	}

	private static boolean flag(Properties properties, String key, boolean current) {
		String value = properties.getProperty(PREFIX + key);
		if (value == null) {
			return current;
		}
		String trimmed = value.trim();
		if (!trimmed.equalsIgnoreCase("true") && !trimmed.equalsIgnoreCase("false")) {
			throw new IllegalArgumentException(PREFIX + key + " must be true or false, was '" + value + "'");
		}
		return Boolean.parseBoolean(trimmed);
	}

	private static List<String> split(String list) {
		return Arrays.stream(list.split(",")).map(String::trim).filter((s) -> !s.isEmpty()).collect(Collectors.toList());
	}

	private static List<Pattern> compile(Collection<String> patterns) {
		return compile("a thread name pattern", patterns);
	}

	static List<Pattern> compile(String source, Collection<String> patterns) {
		List<Pattern> compiled = new ArrayList<>();
		for (String pattern : patterns) {
			String trimmed = pattern.trim();
			if (trimmed.isEmpty()) {
				continue;
			}
			try {
				compiled.add(Pattern.compile(trimmed));
			}
			catch (PatternSyntaxException ex) {
				throw new IllegalArgumentException(
						source + " must hold regular expressions, was '" + trimmed + "': " + ex.getDescription(), ex);
			}
		}
		return compiled;
	}

	// Splits at the commas between expressions, not those inside one: a quantifier's
	// ({@code \d{1,3}}), a character class's ({@code [,;]}), a group's, a quoted one
	// ({@code \Q1,2\E}) or an escaped one.
	static List<String> splitPatterns(String list) {
		List<String> patterns = new ArrayList<>();
		int depth = 0;
		boolean inClass = false;
		int start = 0;
		for (int i = 0; i < list.length(); i++) {
			char c = list.charAt(i);
			if (c == '\\' && i + 1 < list.length() && list.charAt(i + 1) == 'Q') {
				// Quoted to \E, or to the end (Pattern.quote's form): all of it literal.
				int end = list.indexOf("\\E", i + 2);
				i = (end >= 0) ? end + 1 : list.length();
			}
			else if (c == '\\') {
				i++;
			}
			else if (inClass) {
				inClass = c != ']';
			}
			else if (c == '[') {
				inClass = true;
			}
			else if (c == '{' || c == '(') {
				depth++;
			}
			else if ((c == '}' || c == ')') && depth > 0) {
				depth--;
			}
			else if (c == ',' && depth == 0) {
				patterns.add(list.substring(start, i));
				start = i + 1;
			}
		}
		patterns.add(list.substring(start));
		return patterns;
	}

	@Override
	public String toString() {
		return "TimerLeakOptions[ignoredOrigins=" + this.ignoredOrigins + ", ignoredThreadNames="
				+ this.ignoredThreadNames + ", gracePeriod=" + this.gracePeriod + ", tasks=" + this.tasks
				+ ", threads=" + this.threads + ", threadOrigins=" + this.threadOrigins + "]";
	}

}
