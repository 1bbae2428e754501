package dev.timerwatch.autoconfigure.scheduling;

import java.lang.reflect.Field;
import java.util.Map;
import java.util.Optional;

import dev.timerwatch.tracking.TaskOrigin;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.scheduling.support.ScheduledMethodRunnable;
import org.springframework.util.ClassUtils;

/**
 * Finds the {@code @Scheduled} method behind a task handed to a scheduler. Spring wraps the
 * method's {@link ScheduledMethodRunnable} (in an outcome-tracking runnable, and sometimes
 * in an error-handling one) and exposes neither wrapper's delegate, so the delegate field is
 * read reflectively; if that ever fails the task is attributed like any other.
 */
final class ScheduledMethodOrigins {

	private static final Map<String, String> DELEGATE_FIELDS = Map.of(
			"org.springframework.scheduling.config.Task$OutcomeTrackingRunnable", "runnable",
			"org.springframework.scheduling.support.DelegatingErrorHandlingRunnable", "delegate");

	private static final int MAX_WRAPPERS = 4;

	// On the class itself: nothing here keeps an application's class (a task's lambda) loaded.
	private static final ClassValue<Optional<Field>> DELEGATE = new ClassValue<>() {
		@Override
		protected Optional<Field> computeValue(Class<?> type) {
			return delegateField(type);
		}
	};

	/**
	 * The origin of a task if it runs a {@code @Scheduled} method.
	 * @param task the task being scheduled
	 * @return the method's origin, or {@code null}
	 */
	@Nullable TaskOrigin originOf(Object task) {
		Object current = task;
		for (int i = 0; i <= MAX_WRAPPERS && current != null; i++) {
			if (current instanceof ScheduledMethodRunnable method) {
				Class<?> beanClass = ClassUtils.getUserClass(AopUtils.getTargetClass(method.getTarget()));
				return TaskOrigin.scheduledMethod(beanClass.getName(), method.getMethod().getName());
			}
			current = unwrap(current);
		}
		return null;
	}

	private @Nullable Object unwrap(Object wrapper) {
		Optional<Field> field = DELEGATE.get(wrapper.getClass());
		try {
			return field.isPresent() ? field.get().get(wrapper) : null;
		}
		catch (IllegalAccessException ex) {
			return null;
		}
	}

	// The wrapper's class or a superclass of it (a cron task's ReschedulingRunnable is a
	// DelegatingErrorHandlingRunnable) is one whose delegate field is known.
	private static Optional<Field> delegateField(Class<?> wrapperType) {
		for (Class<?> type = wrapperType; type != null && type != Object.class; type = type.getSuperclass()) {
			String fieldName = DELEGATE_FIELDS.get(type.getName());
			if (fieldName != null) {
				return accessibleField(type, fieldName);
			}
		}
		return Optional.empty();
	}

	private static Optional<Field> accessibleField(Class<?> type, String name) {
		try {
			Field field = type.getDeclaredField(name);
			field.setAccessible(true);
			return Optional.of(field);
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			return Optional.empty();
		}
	}

}
