package org.stedi.lakehouse.pipelines;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * SIGKILLs a run of {@code Lakehouse} in a process of its own at random moments, four times, and
 * checks the lake after each. The moments are drawn from a seed over a span that follows how long
 * a run takes on this machine (its JVM start, then twice the given run time, at least 12 s); both
 * are printed, and {@code -DkillSeed=N -DkillSpanMillis=M} draws the same moments again (the same
 * delays after the start, which on a busier machine fall into other phases of a run).
 */
final class RandomKills {
  /** Checks the lake after a kill (or a finished run); returns whether every table is as before the run. */
  interface Check {
    boolean asBefore(long delayMillis, long seed) throws Exception;
  }

  private RandomKills() {}

  /**
   * Runs the kills and returns how many of them stopped a run that had left every table as before.
   *
   * @param runMillis how long one run of the same lake took in this JVM
   */
  static int killFourTimes(String test, long runMillis, Path lake, List<String> lakehouseArgs, Check check) throws Exception {
    long seed = Long.getLong("killSeed", System.nanoTime());
    int span = Integer.getInteger("killSpanMillis", (int) Math.max(12_000, 2_000 + 2 * runMillis));
    System.out.printf(
        "%s: kill moments drawn with seed %d over %d ms (replay: -DkillSeed=%d -DkillSpanMillis=%d)%n",
        test, seed, span, seed, span);
    Random random = new Random(seed);
    int killedBeforeAnyChange = 0;
    for (int attempt = 0; attempt < 4; attempt++) {
      long delayMillis = 300 + random.nextInt(attempt == 0 ? 1500 : span);
      Process run = startLakehouse(lake, lakehouseArgs);
      boolean finished = run.waitFor(delayMillis, TimeUnit.MILLISECONDS);
      if (!finished) {
        run.destroyForcibly();
        assertTrue(run.waitFor(30, TimeUnit.SECONDS), "the killed run did not end within 30 s of SIGKILL");
      }
      boolean asBefore = check.asBefore(delayMillis, seed);
      if (!finished && asBefore) {
        killedBeforeAnyChange++;
      }
      System.out.printf(
          "kill %d at %d ms: %s; every table %s%n",
          attempt + 1, delayMillis, finished ? "the run had finished" : "SIGKILL", asBefore ? "as before" : "whole, old or new");
    }
    assertTrue(killedBeforeAnyChange >= 1, "at least the first kill lands before the run changes a table (seed " + seed + ")");
    return killedBeforeAnyChange;
  }

  private static Process startLakehouse(Path lake, List<String> args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Lakehouse.class.getName());
    command.add("--lake=" + lake);
    command.addAll(args);
    File log = Files.createTempFile("killed-lakehouse", ".log").toFile();
    log.deleteOnExit();
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
  }
}
