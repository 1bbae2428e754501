package dev.timerwatch.trend;

/**
 * The last samples of one pending count, in a ring. Used by the sampling thread only.
 */
final class PendingHistory {

	private final long[] times;

	private final long[] counts;

	private int size;

	private int next;

	PendingHistory(int capacity) {
		this.times = new long[capacity];
		this.counts = new long[capacity];
	}

	void add(long timeMillis, long count) {
		this.times[this.next] = timeMillis;
		this.counts[this.next] = count;
		this.next = (this.next + 1) % this.counts.length;
		this.size = Math.min(this.size + 1, this.counts.length);
	}

	boolean isFull() {
		return this.size == this.counts.length;
	}

	long[] counts() {
		return ordered(this.counts);
	}

	long[] times() {
		return ordered(this.times);
	}

	private long[] ordered(long[] ring) {
		long[] result = new long[this.size];
		int start = (this.size < ring.length) ? 0 : this.next;
		for (int i = 0; i < this.size; i++) {
			result[i] = ring[(start + i) % ring.length];
		}
		return result;
	}

}
