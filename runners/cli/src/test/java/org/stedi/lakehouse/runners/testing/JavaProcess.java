package org.stedi.lakehouse.runners.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A {@code java} command run in its own process, as a user would run it from a shell. */
public final class JavaProcess {
  private static final long TIMEOUT_MINUTES = 5;

  private JavaProcess() {}

  /** What the process did: its exit status and its stdout and stderr, interleaved. */
  public record Outcome(int status, String output) {
    public String describe() {
      return "exit " + status + "\n" + output;
    }
  }

  /** Runs {@code java ARGS...} with this JVM's {@code java}, writing its output to {@code log}. */
  public static Outcome java(Path log, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(args);
    try {
      Files.createDirectories(log.getParent());
      Process process =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException("still running after " + TIMEOUT_MINUTES + " minutes: " + command);
      }
      return new Outcome(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The value of a system property the build sets, or a message saying how to set it. */
  public static String buildProperty(String name) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("-D" + name + " is not set: run this test with `mvn verify`");
    }
    return value;
  }
}
