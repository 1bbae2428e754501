package dev.timerwatch.test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import dev.timerwatch.test.fixtures.DirtiedContextTests;
import dev.timerwatch.test.fixtures.IgnoringTests;
import dev.timerwatch.test.fixtures.LeakySessionTests;
import dev.timerwatch.test.fixtures.Leftovers;
import dev.timerwatch.test.fixtures.MethodLevelTests;
import dev.timerwatch.test.fixtures.ReplacedBeforeTheTestCheckedBelowTests;
import dev.timerwatch.test.fixtures.ReplacedBeforeTheTestTests;
import dev.timerwatch.test.fixtures.SessionManager;
import dev.timerwatch.test.fixtures.SharedContextFirstTests;
import dev.timerwatch.test.fixtures.SharedContextSecondTests;
import dev.timerwatch.test.fixtures.ThreadLeakingTests;
import dev.timerwatch.test.fixtures.ThreadsOffTests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;


import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs {@link VerifyNoTimerLeaks} on the test classes in {@code fixtures}, as a user's build
 * would, and reads what each test came to.
 */
class VerifyNoTimerLeaksTests {

	@AfterEach
	void releaseWhatTheFixturesLeaked() {
		Leftovers.release();
	}

	@Test
	void aLeakySpringTestFailsNamingTheLeakingLineCountKindAndFix() {
		Map<String, TestExecutionResult> results = run(LeakySessionTests.class);
		assertThat(failureOf(results, "leavesASessionOpen")).isInstanceOf(TimerLeakError.class)
			.hasMessageStartingWith("1 timer leak after LeakySessionTests.leavesASessionOpen()")
			.hasMessageContaining("TIMER LEAK: ScheduledFuture returned at "
					+ FixtureSources.origin(SessionManager.class, "open", "session")
					+ " is not cancelled; 1 periodic task created during the test still pending on scheduler "
					+ "'taskScheduler'. Fix: periodic task never cancelled: keep the ScheduledFuture and cancel it on "
					+ "every exit path, or start one task and reuse it.");
		TimerLeakError error = (TimerLeakError) failureOf(results, "leavesASessionOpen");
		assertThat(error.report().tasks()).singleElement().satisfies((leak) -> {
			assertThat(leak.count()).isEqualTo(1);
			assertThat(leak.isPeriodic()).isTrue();
			assertThat(leak.schedulerName()).isEqualTo("taskScheduler");
		});
		assertThat(error.report().threads()).isEmpty();
	}

	@Test
	void aSpringTestThatCancelsWhatItSchedulesPasses() {
		Map<String, TestExecutionResult> results = run(LeakySessionTests.class);
		assertThat(results.get("closesItsSession").getStatus()).isEqualTo(TestExecutionResult.Status.SUCCESSFUL);
	}

	@Test
	void threadsTheContextsOwnPoolsStartDuringATestAreNotItsLeaks() {
		Map<String, TestExecutionResult> results = run(LeakySessionTests.class);
		// Boot's scheduler has four threads here and starts one per task until it has them all.
		assertThat(results.get("closesItsSession").getStatus()).isEqualTo(TestExecutionResult.Status.SUCCESSFUL);
		assertThat(results.get("sendsAMailOnTheContextsPool").getStatus())
			.isEqualTo(TestExecutionResult.Status.SUCCESSFUL);
	}

	@Test
	void aSpringTestLeakFromAnIgnoredOriginPasses() {
		Map<String, TestExecutionResult> results = run(LeakySessionTests.class);
		assertThat(results.get("leavesASessionOpenThatIsIgnored").getStatus())
			.isEqualTo(TestExecutionResult.Status.SUCCESSFUL);
	}

	@Test
	void aSharedCachedContextDoesNotBlameALaterTestForAnEarlierOne() {
		Map<String, TestExecutionResult> results = run(SharedContextFirstTests.class, SharedContextSecondTests.class);
		assertThat(SharedContextSecondTests.context).isNotNull().isSameAs(SharedContextFirstTests.context);
		assertThat(failureOf(results, "leavesTwoSessionsOpen"))
			.hasMessageContaining("; 2 periodic tasks created during the test still pending");
		assertThat(results.get("opensAndClosesASession").getStatus()).isEqualTo(TestExecutionResult.Status.SUCCESSFUL);
		assertThat(failureOf(results, "leavesOneSessionOpen"))
			.hasMessageContaining("; 1 periodic task created during the test still pending");
	}

	@Test
	void aContextClosedAfterItsCheckedTestsCanBeCollected() throws InterruptedException {
		Map<String, TestExecutionResult> results = run(DirtiedContextTests.class);
		assertThat(results.get("opensAndClosesASession").getStatus()).isEqualTo(TestExecutionResult.Status.SUCCESSFUL);
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (DirtiedContextTests.context.get() != null && System.nanoTime() < deadline) {
			System.gc();
			Thread.sleep(50);
		}
		assertThat(DirtiedContextTests.context.get()).as("the closed context").isNull();
	}

	@Test
	void anAnnotationThatSaysNothingOfThreadsLeavesAnEnclosingSwitchOffInPlace() {
		Map<String, TestExecutionResult> results = run(ThreadsOffTests.class);
		assertThat(results.get("leavesATimerWithThreadsOff").getStatus())
			.isEqualTo(TestExecutionResult.Status.SUCCESSFUL);
		assertThat(results.get("leavesATimerUnderAMethodAnnotation").getStatus())
			.isEqualTo(TestExecutionResult.Status.SUCCESSFUL);
		assertThat(results.get("leavesATimerInANestedClass").getStatus())
			.isEqualTo(TestExecutionResult.Status.SUCCESSFUL);
	}

	@Test
	void aPlainTestThatLeavesATimerThreadFailsNamingItsLine() {
		Map<String, TestExecutionResult> results = run(ThreadLeakingTests.class);
		assertThat(failureOf(results, "leavesATimerRunning")).isInstanceOf(TimerLeakError.class)
			.hasMessageContaining("TIMER LEAK: java.util.Timer started at "
					+ FixtureSources.origin(ThreadLeakingTests.class, "leavesATimerRunning", "timer")
					+ " is not cancelled; 1 thread started during the test still alive after 1 s ('leaky-timer'). "
					+ "Fix: cancel the Timer (timer.cancel()) on every exit path, or create one Timer and reuse it.")
			.hasMessageContaining("started at:");
	}

	@Test
	void aPlainTestThatLeavesAnExecutorFailsNamingItsLine() {
		Map<String, TestExecutionResult> results = run(ThreadLeakingTests.class);
		assertThat(failureOf(results, "leavesAnExecutorRunning"))
			.hasMessageContaining("TIMER LEAK: executor started at "
					+ FixtureSources.origin(ThreadLeakingTests.class, "leavesAnExecutorRunning", "executor")
					+ " is not shut down; 1 thread started during the test still alive after 1 s ('pool-");
	}

	@Test
	void threadsThatEndWithinTheGracePeriodAreNotBlamed() {
		Map<String, TestExecutionResult> results = run(ThreadLeakingTests.class);
		assertThat(results.get("shutsDownItsExecutor").getStatus()).isEqualTo(TestExecutionResult.Status.SUCCESSFUL);
		assertThat(results.get("startsAThreadThatEndsWithinTheGracePeriod").getStatus())
			.isEqualTo(TestExecutionResult.Status.SUCCESSFUL);
	}

	@Test
	void ignoredThreadNamesOriginsAndPropertiesFileEntriesAreNotReported() {
		Map<String, TestExecutionResult> results = run(IgnoringTests.class);
		assertThat(results).hasSize(5);
		assertThat(results.get("leavesAThreadWithAnIgnoredName").getStatus())
			.isEqualTo(TestExecutionResult.Status.SUCCESSFUL);
		assertThat(results.get("leavesAThreadStartedByAnIgnoredClass").getStatus())
			.isEqualTo(TestExecutionResult.Status.SUCCESSFUL);
		assertThat(results.get("leavesAThreadStartedInAPackageIgnoredByThePropertiesFile").getStatus())
			.isEqualTo(TestExecutionResult.Status.SUCCESSFUL);
		assertThat(results.get("leavesAThreadIgnoredOnTheMethod").getStatus())
			.isEqualTo(TestExecutionResult.Status.SUCCESSFUL);
		assertThat(failureOf(results, "leavesAThreadNothingIgnores")).hasMessageContaining("java.util.Timer started at "
				+ FixtureSources.origin(IgnoringTests.class, "leavesAThreadNothingIgnores", "not ignored"));
	}

	@Test
	void aCheckWhoseSnapshotSawAContextSpringReplacedBeforeTheTestFailsSayingWhereToWriteTheAnnotation() {
		Map<String, TestExecutionResult> results = run(ReplacedBeforeTheTestTests.class);
		assertThat(failureOf(results, "leavesASessionOpenOnAFreshContext"))
			.isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("before Spring replaced this test's application context")
			.hasMessageContaining("write @VerifyNoTimerLeaks below @SpringBootTest");
	}

	@Test
	void writtenBelowSpringBootTestACheckSeesTheContextReplacedBeforeTheTest() {
		Map<String, TestExecutionResult> results = run(ReplacedBeforeTheTestCheckedBelowTests.class);
		assertThat(failureOf(results, "leavesASessionOpenOnAFreshContext")).isInstanceOf(TimerLeakError.class)
			.hasMessageContaining("SessionManager.open(SessionManager.java:20)");
		assertThat(results.get("closesItsSessionOnAFreshContext").getStatus())
			.isEqualTo(TestExecutionResult.Status.SUCCESSFUL);
	}

	@Test
	void onAMethodOnlyThatTestIsChecked() {
		Map<String, TestExecutionResult> results = run(MethodLevelTests.class);
		assertThat(results.get("leavesATimerUnchecked").getStatus()).isEqualTo(TestExecutionResult.Status.SUCCESSFUL);
		assertThat(failureOf(results, "leavesATimerChecked")).hasMessageContaining("('checked')");
	}

	private static Map<String, TestExecutionResult> run(Class<?>... testClasses) {
		List<Event> finished = EngineTestKit.engine("junit-jupiter")
			.selectors(Arrays.stream(testClasses).map(DiscoverySelectors::selectClass)
				.toArray(DiscoverySelector[]::new))
			.configurationParameter("junit.jupiter.testclass.order.default",
					"org.junit.jupiter.api.ClassOrderer$OrderAnnotation")
			.execute()
			.testEvents()
			.finished()
			.list();
		return finished.stream()
			.collect(Collectors.toMap((event) -> event.getTestDescriptor().getLegacyReportingName().replace("()", ""),
					(event) -> event.getPayload(TestExecutionResult.class).orElseThrow(), (a, b) -> b));
	}

	private static Throwable failureOf(Map<String, TestExecutionResult> results, String test) {
		TestExecutionResult result = results.get(test);
		assertThat(result).as(test).isNotNull();
		assertThat(result.getStatus()).as(test).isEqualTo(TestExecutionResult.Status.FAILED);
		return result.getThrowable().orElseThrow();
	}


}
