/**
 * Auto-configuration for timerwatch.
 */
@NullMarked
package dev.timerwatch.autoconfigure;

import org.jspecify.annotations.NullMarked;
