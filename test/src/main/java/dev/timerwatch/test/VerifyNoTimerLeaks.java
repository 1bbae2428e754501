package dev.timerwatch.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fails each test that leaves behind a scheduled task or a thread it created, naming the line
 * that created it, as Go's goleak does for goroutines.
 *
 * <p>What exists when a test begins is never its fault: each test is compared with a snapshot
 * taken just before it (before its {@code @BeforeEach} methods), and checked after its
 * {@code @AfterEach} methods. Two things are checked:
 * <ul>
 * <li>in a Spring test, the tasks of every scheduler that timerwatch tracks in the test's
 * application context: a task created during the test and still pending (or a periodic task
 * still scheduled) is a leak, even when the context is cached and shared with other tests;</li>
 * <li>in any test, threads started during the test and still alive after the grace period,
 * named to the line that started them where the JDK Flight Recorder is available.</li>
 * </ul>
 * A leak that ends within the grace period (a task or thread that was just finishing) is not
 * reported. On a method, the annotation checks only that test. Annotations add up, from the
 * outermost enclosing class to the method: their ignores add to each other's, a check switched
 * off by any of them (or by {@code timerwatch-test.properties}) stays off, and the nearest
 * grace period wins. Ignores from {@code timerwatch-test.properties} on the test class path
 * apply everywhere.
 *
 * @see TimerLeaks
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(TimerLeakExtension.class)
public @interface VerifyNoTimerLeaks {

	/**
	 * Origins whose leaks are not reported: a class name ({@code com.example.Poller}) or a
	 * package ({@code com.example.legacy}), matched against the class of the line that created
	 * the task or started the thread, and its outer classes.
	 * @return the classes and packages to ignore
	 */
	String[] ignoreOrigins() default {};

	/**
	 * Regular expressions for the names of threads that are not reported, matched against the
	 * whole name: {@code "OkHttp .*"}.
	 * @return the thread name patterns to ignore
	 */
	String[] ignoreThreadNames() default {};

	/**
	 * How long to wait, retrying with a short back-off, for leaked tasks and threads to end
	 * before failing: {@code "500ms"}, {@code "2s"}. Empty for the default (1 s, or
	 * {@code timerwatch.test.grace-period}).
	 * @return the grace period
	 */
	String gracePeriod() default "";

	/**
	 * Whether to check the tasks of tracked schedulers in the test's application context.
	 * {@code false} switches the check off for the annotated class or method; {@code true},
	 * the default, leaves it as {@code timerwatch.test.tasks} and an annotation on an enclosing
	 * class chose: off anywhere is off.
	 * @return whether tasks are checked
	 */
	boolean tasks() default true;

	/**
	 * Whether to check threads started during the test. {@code false} switches the check off
	 * for the annotated class or method; {@code true}, the default, leaves it as
	 * {@code timerwatch.test.threads} and an annotation on an enclosing class chose: off
	 * anywhere is off.
	 * @return whether threads are checked
	 */
	boolean threads() default true;

}
