package dev.timerwatch.autoconfigure.scheduling;

import java.lang.reflect.Method;

import org.jspecify.annotations.Nullable;

/**
 * Tells a Mockito mock or spy, when Mockito is on the class path, without depending on it. A
 * scheduler bean that is one (a test's {@code @MockitoSpyBean} or {@code @MockitoBean}) is left
 * as it is: wrapped or replaced, it would no longer be the mock the test verifies and resets,
 * and it would receive tracked commands instead of the tasks the test matches.
 */
final class MockitoBeans {

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
	 * Whether an object is a Mockito mock or spy.
	 * @param bean a bean
	 * @return whether it is, or {@code false} without Mockito
	 */
	static boolean isMockOrSpy(Object bean) {
		if (MOCKING_DETAILS == null || IS_MOCK == null) {
			return false;
		}
		try {
			return (Boolean) IS_MOCK.invoke(MOCKING_DETAILS.invoke(null, bean));
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			return false;
		}
	}

}
