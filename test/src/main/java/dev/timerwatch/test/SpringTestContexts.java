package dev.timerwatch.test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
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
 * check, and the thread names of the context's own executors (a {@code ThreadPoolTaskScheduler}
 * starts its threads when the first task arrives, perhaps in a test, and keeps them as long as
 * the context: not a leak). Loaded only when spring-test is on the class path.
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

	static TimerLeakOptions apply(ExtensionContext extensionContext, TimerLeakOptions options) {
		ContextView view = viewOf(SpringExtension.getApplicationContext(extensionContext));
		return options.withRegistries(view.registries).withIgnoredThreadNames(view.threadNames);
	}

	private static ContextView viewOf(ApplicationContext context) {
		synchronized (views) {
			return views.computeIfAbsent(context, ContextView::new);
		}
	}

	private static final class ContextView {

		private final List<TimerRegistry> registries;

		private final List<String> threadNames = new ArrayList<>();

		ContextView(ApplicationContext context) {
			this.registries = context.getBeanProvider(TimerRegistry.class).orderedStream().toList();
			for (CustomizableThreadCreator creator : context.getBeansOfType(CustomizableThreadCreator.class, false, false)
				.values()) {
				String prefix = creator.getThreadNamePrefix();
				if (!prefix.isEmpty()) {
					this.threadNames.add(Pattern.quote(prefix) + ".*");
				}
			}
		}

	}

}
