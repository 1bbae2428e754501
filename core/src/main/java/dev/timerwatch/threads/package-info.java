/**
 * Where live threads were started: the line of code behind each thread, learned in process.
 */
@NullMarked
package dev.timerwatch.threads;

import org.jspecify.annotations.NullMarked;
