package dev.timerwatch.test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit Jupiter extension behind {@link VerifyNoTimerLeaks}: begins a check before each
 * test (before its {@code @BeforeEach} methods) and verifies it after (after its
 * {@code @AfterEach} methods). In a Spring test, it also checks the tasks of the test's
 * application context and leaves the threads of the context's own executors alone; it fails a
 * test whose context Spring replaced after the check began, which it cannot check.
 */
public final class TimerLeakExtension implements BeforeEachCallback, BeforeTestExecutionCallback, AfterEachCallback {

	private static final Namespace NAMESPACE = Namespace.create(TimerLeakExtension.class);

	private static final String CHECK = "check";

	private static final String SPRING_CONTEXT = "springContext";

	private static final boolean SPRING_TEST_PRESENT = isPresent(
			"org.springframework.test.context.junit.jupiter.SpringExtension");

	private static volatile @Nullable TimerLeakOptions fileOptions;

	// Annotations do not change while tests run: each test class is looked at once.
	private static final ClassValue<ClassSettings> classSettings = new ClassValue<>() {
		@Override
		protected ClassSettings computeValue(Class<?> testClass) {
			TimerLeakOptions options = fileOptions();
			// Outermost first: a nested class's annotation adds to its enclosing classes' ones.
			List<VerifyNoTimerLeaks> enclosing = new ArrayList<>();
			// As JUnit's own search does: an inner (@Nested) class is within its enclosing one,
			// a static nested class is not.
			for (Class<?> type = testClass; type != null;
					type = (type.isMemberClass() && !Modifier.isStatic(type.getModifiers())) ? type.getEnclosingClass()
							: null) {
				AnnotationSupport.findAnnotation(type, VerifyNoTimerLeaks.class)
					.ifPresent((found) -> enclosing.add(0, found));
			}
			for (VerifyNoTimerLeaks annotation : enclosing) {
				options = apply(options, annotation);
			}
			return new ClassSettings(options, SPRING_TEST_PRESENT && SpringTestContexts.isSpringTest(testClass));
		}
	};

	@Override
	public void beforeEach(ExtensionContext context) {
		ClassSettings settings = classSettings.get(context.getRequiredTestClass());
		TimerLeakOptions options = settings.options;
		Optional<VerifyNoTimerLeaks> onMethod = AnnotationSupport.findAnnotation(context.getTestMethod(),
				VerifyNoTimerLeaks.class);
		if (onMethod.isPresent()) {
			options = apply(options, onMethod.get());
		}
		if (settings.springTest) {
			Object springContext = SpringTestContexts.contextOf(context);
			options = SpringTestContexts.apply(springContext, options);
			context.getStore(NAMESPACE).put(SPRING_CONTEXT, springContext);
		}
		context.getStore(NAMESPACE).put(CHECK, TimerLeaks.begin(options));
	}

	// Spring's callbacks have all run by now. A context they replaced after the snapshot was
	// taken (@DirtiesContext before the method, with this extension registered first) is not
	// the one the snapshot saw: its leaks would be missed and its own threads blamed.
	@Override
	public void beforeTestExecution(ExtensionContext context) {
		Object snapshotContext = context.getStore(NAMESPACE).remove(SPRING_CONTEXT);
		if (snapshotContext != null && snapshotContext != SpringTestContexts.contextOf(context)) {
			context.getStore(NAMESPACE).remove(CHECK);
			throw new IllegalStateException("@VerifyNoTimerLeaks took its snapshot before Spring replaced this test's "
					+ "application context (@DirtiesContext before the test), so it cannot check the context the "
					+ "test runs on: write @VerifyNoTimerLeaks below @SpringBootTest (or the annotation that brings "
					+ "SpringExtension), so that Spring's callbacks run first");
		}
	}

	@Override
	public void afterEach(ExtensionContext context) {
		TimerLeakCheck check = context.getStore(NAMESPACE).remove(CHECK, TimerLeakCheck.class);
		if (check != null) {
			check.verifyNone(context.getRequiredTestClass().getSimpleName() + "."
					+ context.getTestMethod().map(Method::getName).orElse("?") + "()");
		}
	}

	// An annotation only switches a check off: its defaults leave what the properties and an
	// enclosing annotation chose, since an annotation cannot tell a default from a choice.
	private static TimerLeakOptions apply(TimerLeakOptions options, VerifyNoTimerLeaks annotation) {
		TimerLeakOptions result = options.withIgnoredOrigins(annotation.ignoreOrigins())
			.withIgnoredThreadPatterns(TimerLeakOptions.compile("@VerifyNoTimerLeaks(ignoreThreadNames)",
					Arrays.asList(annotation.ignoreThreadNames())))
			.withTasks(options.tasks() && annotation.tasks())
			.withThreads(options.threads() && annotation.threads());
		if (!annotation.gracePeriod().isEmpty()) {
			result = result.withGracePeriod(
					TimerLeakOptions.parseDuration("@VerifyNoTimerLeaks(gracePeriod)", annotation.gracePeriod()));
		}
		return result;
	}

	// Read once: the file does not change while tests run.
	private static TimerLeakOptions fileOptions() {
		TimerLeakOptions options = fileOptions;
		if (options == null) {
			options = TimerLeakOptions.fromProperties();
			fileOptions = options;
		}
		return options;
	}

	private static final class ClassSettings {

		private final TimerLeakOptions options;

		private final boolean springTest;

		ClassSettings(TimerLeakOptions options, boolean springTest) {
			this.options = options;
			this.springTest = springTest;
		}

	}

	private static boolean isPresent(String className) {
		try {
			Class.forName(className, false, TimerLeakExtension.class.getClassLoader());
			return true;
		}
		catch (ClassNotFoundException | LinkageError ex) {
			return false;
		}
	}

}
