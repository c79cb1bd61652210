package org.stedi.lakehouse.pipelines.publish;

import java.util.Collection;
import java.util.Optional;

/**
 * Stages a run's output tables out of readers' sight and publishes them once the run has
 * succeeded, so that a reader following the contract's section 1 rule sees each table either as the last
 * successful run wrote it or as this run wrote it, never a mix, and never a half-written table.
 *
 * <p>Opening a publisher takes the lake's lock (one run per lake at a time) and first completes any
 * publish that an earlier run began but did not finish; closing releases the lock.
 *
 * <p>Tables are named by their path under the lake root, such as {@code customer/trusted} or
 * {@code customer/quarantine}.
 */
public interface TablePublisher extends AutoCloseable {
  /**
   * The folder, under the lake root, of writers' scratch files ({@code _temporary/<runId>/}):
   * removed after a publish, and for runs that did not finish, when the next run opens the lake.
   */
  String TEMPORARY = "_temporary";

  /** The folder holding the published version of a table, or empty if it was never published. */
  Optional<String> publishedLocation(String tablePath);

  /** Creates a new, empty staging folder for this run's version of a table, and returns it. */
  String stage(String tablePath);

  /**
   * Makes the staged versions of the tables current. Each table switches atomically; if the process
   * dies part-way, the next publisher opened on the lake completes the switch before anything else.
   */
  void publish(Collection<String> tablePaths);

  /** Releases the lake's lock. */
  @Override
  void close();
}
