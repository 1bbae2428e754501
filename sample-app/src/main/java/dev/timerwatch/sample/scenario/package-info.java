/**
 * Leak scenarios, each in a leaky and a fixed variant, after the incidents in
 * docs/leak-patterns.md.
 */
@NullMarked
package dev.timerwatch.sample.scenario;

import org.jspecify.annotations.NullMarked;
