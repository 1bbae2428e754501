package dev.timerwatch.autoconfigure.scheduling;

import java.lang.reflect.Method;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;

/**
 * Tells a Mockito mock or spy in a test context that overrides beans ({@code @MockitoBean},
 * {@code @MockitoSpyBean}), without depending on Mockito. A scheduler that is one is left as it
 * is: wrapped or replaced, it would no longer be the mock the test verifies and resets, and it
 * would receive tracked commands instead of the tasks the test matches. Mockito is asked only
 * in such a context, where it is running already: asked anywhere else, it would start its mock
 * maker (and attach its agent to the JVM) in every application and test with a scheduler.
 */
final class MockitoBeans {

	// Registered by Spring's test context when a test class overrides beans.
	private static final String BEAN_OVERRIDES = "org.springframework.test.context.bean.override.internalBeanOverridePostProcessor";

	private static final @Nullable Method MOCKING_DETAILS;

	private static final @Nullable Method IS_MOCK;

	static {
		Method mockingDetails = null;
		Method isMock = null;
		try {
			Class<?> mockito = Class.forName("org.mockito.Mockito", false, MockitoBeans.class.getClassLoader());
			mockingDetails = mockito.getMethod("mockingDetails", Object.class);
			isMock = mockingDetails.getReturnType().getMethod("isMock");
		}
		catch (ReflectiveOperationException | LinkageError ex) {
			// No Mockito, or one without this API: no bean is a mock.
		}
		MOCKING_DETAILS = mockingDetails;
		IS_MOCK = isMock;
	}

	private MockitoBeans() {
	}

	/**
	 * Whether an object is a Mockito mock or spy of a test context that overrides beans.
	 * @param candidate a scheduler
	 * @param beanFactory the context's bean factory, if known
	 * @return whether it is, or {@code false} outside such a context or without Mockito
	 */
	static boolean isTestMock(Object candidate, @Nullable BeanFactory beanFactory) {
		if (MOCKING_DETAILS == null || IS_MOCK == null || beanFactory == null
				|| !beanFactory.containsBean(BEAN_OVERRIDES)) {
			return false;
		}
		try {
			return (Boolean) IS_MOCK.invoke(MOCKING_DETAILS.invoke(null, candidate));
		}
		catch (ReflectiveOperationException | RuntimeException | LinkageError ex) {
			return false;
		}
	}

}
