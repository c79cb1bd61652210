package org.stedi.lakehouse.pipelines.publish;

/**
 * The object store's time, as a run reads it to judge whether another run's lock entry has lapsed
 * (see {@link ObjectStoreLock}). A store has no clock to ask, but it stamps every object it writes:
 * the last-modified time of the entry that a run has just written is the store's time now, so every
 * age is a difference between two of the store's own times and the clocks of the machines involved
 * do not matter.
 *
 * <p>Runs use {@link #STORE}. A test passes a clock that runs ahead of the store's, so that the
 * entry of a run it killed lapses without waiting one lease: what the entries on the store say, and
 * what every other run concludes from them, is the same either way.
 */
@FunctionalInterface
interface StoreClock {
  /** The store's own time: the last-modified time of the entry just written. */
  StoreClock STORE = justWrittenMillis -> justWrittenMillis;

  /**
   * The store's time now, in milliseconds since the epoch, given the last-modified time that the
   * store gave the entry this run has just written.
   */
  long nowMillis(long justWrittenMillis);
}
