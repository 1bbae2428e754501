package dev.timerwatch.autoconfigure.scheduling;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import dev.timerwatch.autoconfigure.TimerwatchAutoConfiguration;
import dev.timerwatch.scheduling.TrackingScheduledThreadPoolExecutor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionBuilder;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Scope;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.test.util.ReflectionTestUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A {@link ScheduledThreadPoolExecutor} bean replaced by its tracking copy is destroyed at the
 * context's close as Spring destroys the bean: Spring runs the destroy method on the instance it
 * created, the original, which the application never used. Each case runs the same body twice:
 * without timerwatch (the raw executor, which Spring destroys itself) and with it (the copy).
 */
@ExtendWith(OutputCaptureExtension.class)
class ReplacedExecutorDestructionTests {

	private final ApplicationContextRunner raw = new ApplicationContextRunner();

	private final ApplicationContextRunner tracked = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TimerwatchAutoConfiguration.class))
		.withPropertyValues("timerwatch.threads.enabled=false");

	@Test
	void aReplacedExecutorIsShutDownWhenTheContextCloses() {
		assertShutDownWhenTheContextCloses(this.tracked, TrackingScheduledThreadPoolExecutor.class);
	}

	@Test
	void anExecutorIsShutDownWhenTheContextClosesWithoutTimerwatch() {
		assertShutDownWhenTheContextCloses(this.raw, ScheduledThreadPoolExecutor.class);
	}

	private void assertShutDownWhenTheContextCloses(ApplicationContextRunner runner, Class<?> type) {
		ScheduledThreadPoolExecutor executor = usedThenClosed(
				runner.withUserConfiguration(InferredDestroyMethodConfiguration.class), type, (used) -> {
				});
		try {
			assertThat(executor.isShutdown()).as("shut down by the context's close").isTrue();
			assertThat(awaitTermination(executor)).as("terminated").isTrue();
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void aReplacedExecutorWhoseBeanHasNoDestroyMethodIsLeftRunningWhenTheContextCloses() {
		assertLeftRunningWhenTheContextCloses(this.tracked, TrackingScheduledThreadPoolExecutor.class);
	}

	@Test
	void anExecutorWhoseBeanHasNoDestroyMethodIsLeftRunningWhenTheContextClosesWithoutTimerwatch() {
		assertLeftRunningWhenTheContextCloses(this.raw, ScheduledThreadPoolExecutor.class);
	}

	private void assertLeftRunningWhenTheContextCloses(ApplicationContextRunner runner, Class<?> type) {
		ScheduledThreadPoolExecutor executor = usedThenClosed(
				runner.withUserConfiguration(NoDestroyMethodConfiguration.class), type, (used) -> {
				});
		try {
			assertThat(executor.isShutdown()).as("shut down by the context's close").isFalse();
			assertThat(executor.getPoolSize()).isEqualTo(1);
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void aReplacedExecutorWhoseDestroyMethodIsShutdownNowIsShutDownNowWhenTheContextCloses() {
		assertShutDownNowWhenTheContextCloses(this.tracked, TrackingScheduledThreadPoolExecutor.class);
	}

	@Test
	void anExecutorWhoseDestroyMethodIsShutdownNowIsShutDownNowWhenTheContextClosesWithoutTimerwatch() {
		assertShutDownNowWhenTheContextCloses(this.raw, ScheduledThreadPoolExecutor.class);
	}

	private void assertShutDownNowWhenTheContextCloses(ApplicationContextRunner runner, Class<?> type) {
		// A delayed task still queued: shutdown() would keep it, and the thread waiting for it.
		ScheduledThreadPoolExecutor executor = usedThenClosed(
				runner.withUserConfiguration(ShutdownNowConfiguration.class), type,
				(used) -> used.schedule(() -> {
				}, 1, TimeUnit.HOURS));
		try {
			assertThat(executor.isShutdown()).as("shut down by the context's close").isTrue();
			assertThat(executor.getQueue()).as("drained").isEmpty();
			assertThat(awaitTermination(executor)).as("terminated").isTrue();
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void aReplacedExecutorInACircularReferenceIsShutDownWhenTheContextCloses() {
		assertShutDownInACircularReferenceWhenTheContextCloses(this.tracked, TrackingScheduledThreadPoolExecutor.class);
	}

	@Test
	void anExecutorInACircularReferenceIsShutDownWhenTheContextClosesWithoutTimerwatch() {
		assertShutDownInACircularReferenceWhenTheContextCloses(this.raw, ScheduledThreadPoolExecutor.class);
	}

	// Registered by class, as CircularReferenceTests does: created for ExecutorUser, its
	// rejection handler (lazy) refers back to it and gets its early reference.
	private void assertShutDownInACircularReferenceWhenTheContextCloses(ApplicationContextRunner runner,
			Class<?> type) {
		ScheduledThreadPoolExecutor executor = usedThenClosed(runner.withAllowCircularReferences(true)
			.withBean(ExecutorUser.class)
			.withInitializer((context) -> ((GenericApplicationContext) context).registerBeanDefinition("executor",
					BeanDefinitionBuilder.genericBeanDefinition(ScheduledThreadPoolExecutor.class)
						.addConstructorArgValue(2)
						.addPropertyReference("rejectedExecutionHandler", "rejections")
						.getBeanDefinition()))
			.withBean("rejections", Rejections.class, Rejections::new, (definition) -> definition.setLazyInit(true)),
				type, (used) -> {
				});
		try {
			assertThat(executor.isShutdown()).as("shut down by the context's close").isTrue();
			assertThat(awaitTermination(executor)).as("terminated").isTrue();
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void aDestroyMethodThatFailsOnAReplacedExecutorIsLoggedAndTheCloseGoesOn(CapturedOutput output) {
		assertFailingDestroyMethodIsLoggedAndTheCloseGoesOn(this.tracked, TrackingScheduledThreadPoolExecutor.class);
		assertThat(output).contains("Custom destroy method 'prestartCoreThread' on the tracking copy of bean "
				+ "'executor' threw an exception");
	}

	@Test
	void aDestroyMethodThatFailsOnAnExecutorIsLoggedAndTheCloseGoesOnWithoutTimerwatch(CapturedOutput output) {
		assertFailingDestroyMethodIsLoggedAndTheCloseGoesOn(this.raw, ScheduledThreadPoolExecutor.class);
		assertThat(output).contains("Custom destroy method 'prestartCoreThread' on bean with name 'executor'");
	}

	// Two destroy methods: the first starts a thread, which the factory refuses by then, and
	// throws; Spring logs that and goes on to the second. The witness, created before the
	// executor, is destroyed after it.
	private void assertFailingDestroyMethodIsLoggedAndTheCloseGoesOn(ApplicationContextRunner runner,
			Class<?> type) {
		RefusingThreadFactory threadFactory = new RefusingThreadFactory();
		Witness witness = new Witness();
		ScheduledThreadPoolExecutor executor = usedThenClosed(runner.withBean("witness", Witness.class, () -> witness)
			.withBean("executor", ScheduledThreadPoolExecutor.class,
					() -> new ScheduledThreadPoolExecutor(2, threadFactory),
					(definition) -> ((AbstractBeanDefinition) definition).setDestroyMethodNames("prestartCoreThread",
							"shutdown")),
				type, (used) -> threadFactory.refusing = true);
		try {
			assertThat(executor.isShutdown()).as("shut down by the context's close").isTrue();
			assertThat(awaitTermination(executor)).as("terminated").isTrue();
			assertThat(witness.destroyed).as("the bean destroyed after the executor").isTrue();
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void onlyTheOriginalsThatCopiesReplacedRequireTheirDestructionUntilTheyAreDestroyed() {
		AtomicReference<SchedulerTrackingPostProcessor> postProcessor = new AtomicReference<>();
		AtomicReference<ScheduledThreadPoolExecutor> original = new AtomicReference<>();
		ScheduledThreadPoolExecutor neverReplaced = new ScheduledThreadPoolExecutor(1);
		this.tracked.withUserConfiguration(KeptOriginalConfiguration.class, InterfaceExecutorConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				SchedulerTrackingPostProcessor processor = context.getBean(SchedulerTrackingPostProcessor.class);
				postProcessor.set(processor);
				original.set(context.getBean(KeptOriginalConfiguration.class).original);
				assertThat(processor.requiresDestruction(original.get())).isTrue();
				assertThat(processor.requiresDestruction(bean(context))).as("the copy").isFalse();
				assertThat(processor.requiresDestruction(neverReplaced)).isFalse();
				assertThat(processor.requiresDestruction(context.getBean("interfaceExecutor"))).isFalse();
				assertThat(processor.requiresDestruction(new Object())).isFalse();
			});
		assertThat(original.get().isShutdown()).as("the original, destroyed by Spring").isTrue();
		assertThat(postProcessor.get().requiresDestruction(original.get())).as("once destroyed").isFalse();
		assertThat(replaced(postProcessor.get()).size()).isZero();
		neverReplaced.shutdown();
	}

	@Test
	void theOriginalsOfPrototypeExecutorsAreNotKeptOnceNothingRefersToThem() {
		this.tracked.withUserConfiguration(InferredDestroyMethodConfiguration.class, PrototypeConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				List<ScheduledThreadPoolExecutor> copies = new ArrayList<>();
				for (int i = 0; i < 20; i++) {
					copies.add(context.getBean("prototypeExecutor", ScheduledThreadPoolExecutor.class));
				}
				assertThat(copies).doesNotHaveDuplicates()
					.allSatisfy((copy) -> assertThat(copy).isInstanceOf(TrackingScheduledThreadPoolExecutor.class));
				// Spring never destroys a prototype: whoever got it shuts it down.
				copies.forEach(ScheduledThreadPoolExecutor::shutdown);
				ReplacedExecutors replaced = replaced(context.getBean(SchedulerTrackingPostProcessor.class));
				// The singleton's original stays, held by Spring until it destroys it.
				await().atMost(Duration.ofSeconds(10)).until(() -> {
					System.gc();
					return replaced.size() == 1;
				});
			});
	}

	private static ReplacedExecutors replaced(SchedulerTrackingPostProcessor postProcessor) {
		return (ReplacedExecutors) ReflectionTestUtils.getField(postProcessor, "replaced");
	}

	/**
	 * Runs a context, has the bean named {@code executor} run a task, which starts a thread,
	 * then lets the runner close the context.
	 * @return the bean, as the application used it
	 */
	private static ScheduledThreadPoolExecutor usedThenClosed(ApplicationContextRunner runner, Class<?> type,
			Consumer<ScheduledThreadPoolExecutor> use) {
		AtomicReference<ScheduledThreadPoolExecutor> used = new AtomicReference<>();
		runner.run((context) -> {
			assertThat(context).hasNotFailed();
			ScheduledThreadPoolExecutor executor = bean(context);
			used.set(executor);
			assertThat(executor).isExactlyInstanceOf(type);
			assertThat(executor.submit(() -> 42).get(10, TimeUnit.SECONDS)).isEqualTo(42);
			assertThat(executor.getPoolSize()).isEqualTo(1);
			use.accept(executor);
		});
		assertThat(used.get()).as("the executor bean").isNotNull();
		return used.get();
	}

	private static ScheduledThreadPoolExecutor bean(AssertableApplicationContext context) {
		return context.getBean("executor", ScheduledThreadPoolExecutor.class);
	}

	private static boolean awaitTermination(ScheduledThreadPoolExecutor executor) {
		try {
			return executor.awaitTermination(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class InferredDestroyMethodConfiguration {

		@Bean
		ScheduledThreadPoolExecutor executor() {
			return new ScheduledThreadPoolExecutor(2);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class NoDestroyMethodConfiguration {

		@Bean(destroyMethod = "")
		ScheduledThreadPoolExecutor executor() {
			return new ScheduledThreadPoolExecutor(2);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ShutdownNowConfiguration {

		@Bean(destroyMethod = "shutdownNow")
		ScheduledThreadPoolExecutor executor() {
			return new ScheduledThreadPoolExecutor(2);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class KeptOriginalConfiguration {

		ScheduledThreadPoolExecutor original;

		@Bean
		ScheduledThreadPoolExecutor executor() {
			this.original = new ScheduledThreadPoolExecutor(2);
			return this.original;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class InterfaceExecutorConfiguration {

		@Bean
		ScheduledExecutorService interfaceExecutor() {
			return Executors.newSingleThreadScheduledExecutor();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PrototypeConfiguration {

		@Bean
		@Scope("prototype")
		ScheduledThreadPoolExecutor prototypeExecutor() {
			return new ScheduledThreadPoolExecutor(1);
		}

	}

	record ExecutorUser(ScheduledThreadPoolExecutor executor) {
	}

	static class Rejections implements RejectedExecutionHandler {

		@Autowired
		ScheduledThreadPoolExecutor executor;

		@Override
		public void rejectedExecution(Runnable task, ThreadPoolExecutor executor) {
		}

	}

	static class RefusingThreadFactory implements ThreadFactory {

		volatile boolean refusing;

		@Override
		public Thread newThread(Runnable task) {
			if (this.refusing) {
				throw new IllegalStateException("no more threads");
			}
			return new Thread(task, "refusing-factory");
		}

	}

	static class Witness implements DisposableBean {

		volatile boolean destroyed;

		@Override
		public void destroy() {
			this.destroyed = true;
		}

	}

}
