package org.stedi.lakehouse.pipelines.publish;

import java.time.Duration;

/**
 * For tests of whole runs: until closed, every lake lock taken in this process (by {@link
 * ObjectStorePublisher#open(String, String, Duration)}, and so by every run on an object store)
 * reads the store's time as {@code ahead} of what the store says, so that the entries of runs that
 * stopped renewing them lapse without waiting for their lease. Tests that use it must not run
 * alongside other lock tests in the same process.
 */
public final class StoreClockAhead implements AutoCloseable {
  private final StoreClock previous;

  private StoreClockAhead(Duration ahead) {
    previous = ObjectStoreLock.clockOfRuns;
    ObjectStoreLock.clockOfRuns = clock(ahead);
  }

  /** Runs the store's clock {@code ahead} for the locks taken until {@link #close()}. */
  public static StoreClockAhead by(Duration ahead) {
    return new StoreClockAhead(ahead);
  }

  /** A clock that runs {@code ahead} of the store's, for the tests of this package. */
  static StoreClock clock(Duration ahead) {
    long millis = ahead.toMillis();
    return justWritten -> justWritten + millis;
  }

  /** Locks taken from now on read the store's time as it is. */
  @Override
  public void close() {
    ObjectStoreLock.clockOfRuns = previous;
  }
}
