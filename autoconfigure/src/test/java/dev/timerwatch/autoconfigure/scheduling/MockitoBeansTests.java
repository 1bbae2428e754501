package dev.timerwatch.autoconfigure.scheduling;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.spy;

/**
 * Tests for {@link MockitoBeans}.
 */
class MockitoBeansTests {

	private static final String BEAN_OVERRIDES = "org.springframework.test.context.bean.override.internalBeanOverridePostProcessor";

	@Test
	void aSpyIsATestMockInAContextThatOverridesBeans() {
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		beanFactory.registerSingleton(BEAN_OVERRIDES, new Object());
		assertThat(MockitoBeans.isTestMock(spy(new ThreadPoolTaskScheduler()), beanFactory)).isTrue();
		assertThat(MockitoBeans.isTestMock(new ThreadPoolTaskScheduler(), beanFactory)).isFalse();
	}

	@Test
	void mockitoIsNotAskedInAContextThatOverridesNoBeans() {
		ThreadPoolTaskScheduler spied = spy(new ThreadPoolTaskScheduler());
		assertThat(MockitoBeans.isTestMock(spied, new DefaultListableBeanFactory())).isFalse();
		assertThat(MockitoBeans.isTestMock(spied, null)).isFalse();
	}

}
