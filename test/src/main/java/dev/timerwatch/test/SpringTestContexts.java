package dev.timerwatch.test;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.regex.Pattern;

import dev.timerwatch.tracking.TimerRegistry;

import org.springframework.context.ApplicationContext;
import org.springframework.test.context.junit.jupiter.SpringExtension;
import org.springframework.util.CustomizableThreadCreator;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * What a Spring test's application context adds to a check: the {@link TimerRegistry} beans to
 * check, and the threads of the context's own executors left alone. A pool starts its threads
 * when tasks arrive, perhaps during a test, and keeps them as long as the context: not a leak of
 * that test. So threads named as a Spring executor bean names its threads are ignored, and the
 * core threads of every {@link ThreadPoolExecutor} bean (a {@code ScheduledThreadPoolExecutor}
 * with the JDK's thread names, say) are started when the context is first seen, before any
 * test's snapshot. Loaded only when spring-test is on the class path.
 */
final class SpringTestContexts {

	// Per context, so that a cached context is looked at once, not before every test.
	private static final Map<ApplicationContext, ContextView> views = new WeakHashMap<>();

	private SpringTestContexts() {
	}

	/**
	 * Whether the class, or a class it is nested in, runs with the {@link SpringExtension}
	 * ({@code @SpringBootTest}, {@code @SpringJUnitConfig}, a test slice...).
	 * @param testClass the test class
	 * @return whether it is a Spring test
	 */
	static boolean isSpringTest(Class<?> testClass) {
		for (Class<?> type = testClass; type != null; type = type.getEnclosingClass()) {
			for (ExtendWith extendWith : AnnotationSupport.findRepeatableAnnotations(type, ExtendWith.class)) {
				for (Class<?> extension : extendWith.value()) {
					if (SpringExtension.class.isAssignableFrom(extension)) {
						return true;
					}
				}
			}
		}
		return false;
	}

	/**
	 * The application context the test runs on now, as Spring's extension has it.
	 * @param extensionContext the test's
	 * @return the application context, typed loosely so that callers need no Spring type
	 */
	static Object contextOf(ExtensionContext extensionContext) {
		return SpringExtension.getApplicationContext(extensionContext);
	}

	/**
	 * What the given application context adds to a check's options.
	 * @param applicationContext the test's, as {@link #contextOf} gave it
	 * @param options the options so far
	 * @return the options with the context's registries and its executors' thread names
	 */
	static TimerLeakOptions apply(Object applicationContext, TimerLeakOptions options) {
		ContextView view = viewOf((ApplicationContext) applicationContext);
		return options.withRegistries(view.registries()).withIgnoredThreadPatterns(view.threadNames);
	}

	private static ContextView viewOf(ApplicationContext context) {
		synchronized (views) {
			return views.computeIfAbsent(context, ContextView::new);
		}
	}

	/**
	 * What a check needs of one context. Its registries are held weakly: a registry reaches its
	 * context (through the schedulers it tracks), and a value of the weak map that reaches its
	 * own key would keep every closed context for the life of the test JVM.
	 */
	private static final class ContextView {

		private final List<WeakReference<TimerRegistry>> registries = new ArrayList<>();

		private final List<Pattern> threadNames = new ArrayList<>();

		ContextView(ApplicationContext context) {
			context.getBeanProvider(TimerRegistry.class)
				.orderedStream()
				.forEach((registry) -> this.registries.add(new WeakReference<>(registry)));
			context.getBeansOfType(ThreadPoolExecutor.class, false, false)
				.values()
				.forEach(ThreadPoolExecutor::prestartAllCoreThreads);
			for (CustomizableThreadCreator creator : context.getBeansOfType(CustomizableThreadCreator.class, false, false)
				.values()) {
				String prefix = creator.getThreadNamePrefix();
				if (!prefix.isEmpty()) {
					this.threadNames.add(Pattern.compile(Pattern.quote(prefix) + ".*"));
				}
			}
		}

		// Asked while a test runs on the context, which holds its registries: none is cleared.
		List<TimerRegistry> registries() {
			List<TimerRegistry> live = new ArrayList<>();
			for (WeakReference<TimerRegistry> registry : this.registries) {
				TimerRegistry held = registry.get();
				if (held != null) {
					live.add(held);
				}
			}
			return live;
		}

	}

}
